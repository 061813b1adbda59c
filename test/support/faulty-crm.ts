// A CRM with one mistake of the kind hand-built servers make, for verify's tests: the reference CRM's
// handlers on a memory store (some replaced, for mistakes of meaning), behind an in-process proxy (for
// mistakes of HTTP: an error page, a status, a header, a body rewritten). Loopback only.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createHttpServer, createRequestListener, type Handlers } from "../../generated/server.js";
import { stopGracefully } from "../../src/http-server.js";
import { createHandlers } from "../../reference-crm/handlers.js";
import { MemoryCrmStore } from "../../reference-crm/stores/memory.js";
import { apiKeys, publicUrl } from "./server.js";

export interface Exchange {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Fault {
  /** Handlers replacing the reference CRM's, given its own (for mistakes of meaning). */
  handlers?: (reference: Handlers, store: MemoryCrmStore) => Partial<Handlers>;
  /** Changes the request before the CRM sees it, or answers it instead. */
  request?: (request: Exchange) => Exchange | Reply;
  /** Changes the CRM's answer before the client sees it. */
  response?: (reply: Reply, request: Exchange) => Reply;
}

export interface FaultyCrm {
  url: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function read(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const hopByHop = new Set(["connection", "content-length", "transfer-encoding", "keep-alive"]);
const endToEnd = (headers: Record<string, string>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !hopByHop.has(name)));

/** Sends the request to the CRM and reads its answer whole. */
async function forward(upstream: string, request: Exchange): Promise<Reply> {
  const body = request.method === "GET" || request.method === "HEAD" ? undefined : request.body;
  const response = await fetch(`${upstream}${request.path}`, {
    method: request.method,
    headers: endToEnd(request.headers),
    body,
  });
  return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
}

/** The reference CRM with the fault's handlers, behind a proxy applying the fault's rewrites. */
export async function startFaultyCrm(fault: Fault): Promise<FaultyCrm> {
  const store = new MemoryCrmStore();
  const reference = createHandlers({ store, publicUrl });
  const crm = createHttpServer();
  crm.on(
    "request",
    createRequestListener({
      apiKeys,
      log: () => {},
      handlers: { ...reference, ...fault.handlers?.(reference, store) },
    }),
  );
  const upstream = await listen(crm);
  const proxy = createServer(async (req, res) => {
    const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)]));
    const sent: Exchange = { method: req.method!, path: req.url!, headers, body: await read(req) };
    const changed = fault.request?.(sent) ?? sent;
    const reply = "status" in changed ? changed : await forward(upstream, changed);
    const answer = fault.response?.(reply, sent) ?? reply;
    res.writeHead(answer.status, endToEnd(answer.headers)).end(answer.body);
  });
  const url = await listen(proxy);
  return {
    url,
    async close() {
      proxy.closeAllConnections();
      proxy.close();
      await stopGracefully(crm, 1000);
    },
  };
}

/** A JSON body rewritten by `change`; other bodies as they are. */
export function rewriteJson(reply: Reply, change: (body: any) => unknown): Reply {
  if (!(reply.headers["content-type"] ?? "").startsWith("application/json") || reply.body === "") return reply;
  return { ...reply, body: JSON.stringify(change(JSON.parse(reply.body))) };
}
