// A sandbox for consumers: the reference CRM's API on its memory store, in-process, as a `fetch` function.
// A test playing Khoros runs against a stateful CRM with no process, no port and no Prism:
//   const sandbox = createSandbox();
//   const crm = createClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, fetch: sandbox.fetch });
import { createFetchHandler } from "../generated/server.js";
import { createHandlers } from "./handlers.js";
import { MemoryCrmStore } from "./stores/memory.js";

export interface SandboxOptions {
  /** The key it accepts (any string; "sandbox-key" unless given). */
  apiKey?: string;
  /** Its instanceUrl: where the `url`s it answers point, and the base URL to call (a path in it is the base path). */
  url?: string;
}

export interface Sandbox {
  /** A `fetch` that answers as the reference CRM does, without a network: pass it to `createClient`. */
  fetch: typeof fetch;
  url: string;
  apiKey: string;
  /** What it keeps, to look at (or to seed) in a test. */
  store: MemoryCrmStore;
}

export function createSandbox({
  apiKey = "sandbox-key",
  url = "http://crm.sandbox.test",
}: SandboxOptions = {}): Sandbox {
  const store = new MemoryCrmStore();
  const handle = createFetchHandler({
    handlers: createHandlers({ store, publicUrl: url }),
    apiKeys: { sandbox: apiKey },
    basePath: new URL(url).pathname,
    validateResponses: true,
  });
  const sandboxFetch = (input: string | URL | Request, init?: RequestInit) => handle(new Request(input, init));
  return { fetch: sandboxFetch as typeof fetch, url, apiKey, store };
}
