// A node:http server for the request listener (src/pipeline.ts and its transports), with limits for the
// public internet, the contract's error body for requests Node rejects before they reach the listener, and a
// graceful stop.
import { createServer, type Server, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { type ErrorCatalogue, errorFrom } from "./server-errors.js";

export interface HttpServerLimits {
  /** Time allowed to receive the request headers (a slow client is cut off after it). */
  headersTimeoutMs?: number;
  /** Time allowed to receive the whole request. */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open. */
  keepAliveTimeoutMs?: number;
}

/** Node's parser errors, answered in the contract's shape: the status and the catalogue's situation. */
function parserError(code: string | undefined): [number, "headersTooLarge" | "requestTimeout" | "badRequest"] {
  if (code === "HPE_HEADER_OVERFLOW") return [431, "headersTooLarge"];
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return [408, "requestTimeout"];
  return [400, "badRequest"];
}

/**
 * A server to attach the listener to. generated/server.ts exports it with the spec's error catalogue:
 * `createHttpServer().on("request", listener)`.
 */
export function createHttpServerWith(errorCatalogue: ErrorCatalogue, limits: HttpServerLimits = {}): Server {
  const headersTimeout = limits.headersTimeoutMs ?? 10_000;
  const server = createServer({
    headersTimeout,
    requestTimeout: limits.requestTimeoutMs ?? 30_000,
    keepAliveTimeout: limits.keepAliveTimeoutMs ?? 5_000,
    // Node looks for expired requests this often (30 s unless set): often enough to honour the timeouts.
    connectionsCheckingInterval: Math.min(1000, headersTimeout),
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || error.code === "ECONNRESET") return socket.destroy();
    const [status, situation] = parserError(error.code);
    const json = JSON.stringify(errorFrom(errorCatalogue, situation));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\nX-Content-Type-Options: nosniff\r\n` +
        `Connection: close\r\n\r\n${json}`,
    );
  });
  return server;
}

/** Stops accepting connections, lets in-flight requests finish (up to `graceMs`), then closes the rest. */
export async function stopGracefully(server: Server, graceMs = 10_000): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // A keep-alive connection turns idle once its in-flight response is sent: close those as they appear.
  const idleSweep = setInterval(() => server.closeIdleConnections(), 50);
  const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearInterval(idleSweep);
  clearTimeout(deadline);
}
