// Servers in-process on a free loopback port: the stub server with the reference CRM's handlers and a
// memory store, or the whole reference CRM (API and pages) on a given store.
import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createHttpServer,
  createRequestListener,
  type Handlers,
  type ListenerOptions,
} from "../../generated/server.js";
import { type HttpServerLimits, stopGracefully } from "../../src/http-server.js";
import type { LogEntry } from "../../src/types.js";
import { createHandlers } from "../../reference-crm/handlers.js";
import { createCrmListener, type CrmOptions } from "../../reference-crm/app.js";
import { MemoryCrmStore } from "../../reference-crm/stores/memory.js";
import type { CrmStore } from "../../reference-crm/stores/store.js";

export const apiKeys = { primary: "test-key-primary", rotated: "test-key-rotated" };
export const publicUrl = "http://crm.test";

export interface TestServer {
  url: string;
  store: MemoryCrmStore;
  logs: LogEntry[];
  close(): Promise<void>;
}

/** Listens on a free loopback port; returns the URL and how to stop. */
async function listenOnLoopback(server: Server) {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => stopGracefully(server, 1000) };
}

/**
 * The stub server with the reference CRM's handlers on a memory store; `handlers` replaces some of them
 * (a handler that throws, one that answers off-contract, one that records what it got).
 */
export async function startTestServer(
  options: Partial<Omit<ListenerOptions<Handlers>, "handlers">> & { handlers?: Partial<Handlers> } = {},
): Promise<TestServer> {
  const store = new MemoryCrmStore();
  const logs: LogEntry[] = [];
  const server = createHttpServer();
  const { handlers, ...rest } = options;
  server.on(
    "request",
    createRequestListener({
      apiKeys,
      validateResponses: true,
      log: (entry) => logs.push(entry),
      ...rest,
      handlers: { ...createHandlers({ store, publicUrl }), ...handlers },
    }),
  );
  return { ...(await listenOnLoopback(server)), store, logs };
}

export interface CrmTestServer {
  url: string;
  logs: LogEntry[];
  close(): Promise<void>;
}

/** The whole reference CRM (API and pages) in-process, on the given store; `options` adds to its own. */
export async function startCrmServer(
  store: CrmStore,
  docsHtml?: Buffer,
  limits?: HttpServerLimits,
  options: Partial<CrmOptions> = {},
): Promise<CrmTestServer> {
  const logs: LogEntry[] = [];
  const server = createHttpServer(limits);
  const log = (entry: LogEntry) => logs.push(entry);
  server.on("request", createCrmListener({ store, publicUrl, docsHtml, apiKeys, log, ...options }));
  return { ...(await listenOnLoopback(server)), logs };
}
