// The reference CRM as one request listener: the pages (home, docs, the agent's customer page) and the API
// (generated server stub + handlers), both under the base path of the CRM's public URL; the health probes
// (health.ts) and Khoros's failure events (events/) at their own paths. Whatever is none of them gets the
// API's 404 or 405, in the contract's error shape.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequestListener, type Handlers, type ListenerOptions } from "../generated/server.js";
import { createEventsReceiver, type EventsSettings } from "./events/receiver.js";
import { createHandlers } from "./handlers.js";
import { createHealth } from "./health.js";
import { createPages } from "./pages.js";
import type { CrmStore } from "./stores/store.js";

export interface CrmOptions extends Omit<ListenerOptions<Handlers>, "handlers" | "basePath"> {
  store: CrmStore;
  /** Where Khoros and the agents reach the CRM (its instanceUrl); its path is the base path of everything. */
  publicUrl: string;
  /** How a shell gets the key to send, for the home page's snippet (the key itself is never shown). */
  keyInShell?: string;
  docsHtml?: Buffer;
  /** Receive Khoros's failure events (its Notifications API) at their path, outside the base path. */
  events?: Pick<EventsSettings, "token" | "path">;
  /** True from SIGTERM on: GET /readyz then answers 503 while in-flight requests finish. */
  isDraining?: () => boolean;
}

export function createCrmListener(options: CrmOptions) {
  const { store, publicUrl, keyInShell = "$KEY", docsHtml, events, isDraining, ...apiOptions } = options;
  const { log, requestLog } = apiOptions;
  const basePath = new URL(publicUrl).pathname.replace(/\/+$/, "");
  const api = createRequestListener({ ...apiOptions, basePath, handlers: createHandlers({ store, publicUrl }) });
  const pages = createPages({ store, publicUrl, keyInShell, docsHtml, log, requestLog });
  const health = createHealth({ store, isDraining });
  const receiver = events && createEventsReceiver({ store, ...events, log, requestLog });
  // The probes' two paths and the events' one first (string compares); then the API (most requests are
  // Khoros's); what it does not know goes to the pages, and what they do not know back to the API, which
  // answers it with the contract's 404.
  return (req: IncomingMessage, res: ServerResponse) => {
    if (health(req, res) || receiver?.(req, res)) return;
    api(req, res, () => pages(req, res) || api(req, res));
  };
}
