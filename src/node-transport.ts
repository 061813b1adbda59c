// The pipeline on node:http: a `RequestListener` that also mounts as Express/Connect middleware (paths
// outside the API go to `next`). Node's own request is read directly (no Web Request made), and the
// response written in one writeHead.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { BodyRead, IncomingRequest } from "./incoming.js";
import { describeError, logToStderr, type Pipeline, requestRecord } from "./pipeline.js";
import { createNegotiation } from "./negotiation.js";
import {
  createResponse,
  defaultBodyLimit,
  errorMediaTypes,
  errorText,
  jsonMediaType,
  type OutgoingResponse,
} from "./response.js";
import type { ErrorBody } from "./server-errors.js";
import type { LogEntry, RequestRecord } from "./types.js";

/** `(req, res)` for `node:http`; `(req, res, next)` as Express/Connect middleware, where paths outside the API go to `next`. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/** Reads the body up to `limit` bytes; past it, stops reading and reports "too_large" without buffering more. */
function readNodeBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  if (Number(req.headers["content-length"]) > limit) return Promise.resolve({ ok: false, reason: "too_large" });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        resolve({ ok: false, reason: "too_large" });
      } else chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve({ ok: true, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) }));
    req.once("close", () => resolve({ ok: false, reason: "aborted" })); // no-op once resolved
  });
}

/** Node's request as the pipeline reads it. */
class NodeRequest implements IncomingRequest {
  readonly method: string;
  readonly url: string;
  readonly hasBody: boolean;
  constructor(readonly req: IncomingMessage) {
    this.method = req.method ?? "GET";
    this.url = req.url ?? "/";
    this.hasBody = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
  }
  header(name: string): string | undefined {
    const value = this.req.headers[name];
    return Array.isArray(value) ? value.join(", ") : value;
  }
  readBody(limit: number): Promise<BodyRead> {
    return readNodeBody(this.req, limit);
  }
}

/**
 * Writes a response. One sent before the request's body was read: Node reads and drops a body within the
 * limit, and the connection lives on; a larger one, or one of unannounced length, closes the connection
 * instead of being read.
 */
export function writeResponse(
  req: IncomingMessage,
  res: ServerResponse,
  response: OutgoingResponse,
  bodyLimit = defaultBodyLimit,
): void {
  const { status, headers, body } = response;
  if (body !== undefined) headers["Content-Length"] = String(Buffer.byteLength(body));
  const unreadBody =
    req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > bodyLimit;
  if (!req.complete && unreadBody) headers.Connection = "close";
  res.writeHead(status, headers);
  res.end(req.method === "HEAD" ? undefined : body);
}

export interface NodeTransportOptions {
  bodyLimit?: number;
  requestLog?: (record: RequestRecord) => void;
  log?: (entry: LogEntry) => void;
}

/** A node:http request listener (and Express middleware) serving the pipeline. */
export function createNodeListener(
  respond: Pipeline,
  { bodyLimit, requestLog, log = logToStderr }: NodeTransportOptions = {},
): RequestListener {
  return (req, res, next) => {
    const started = performance.now();
    const requestId = randomUUID();
    const request = new NodeRequest(req);
    respond(request, requestId)
      .then((result) => {
        if ("aborted" in result) return;
        if (result.notInApi && next) return next();
        writeResponse(req, res, result.response, bodyLimit);
        requestLog?.(requestRecord(request, requestId, result.response.status, result.route, started));
      })
      .catch((error: unknown) => {
        // Writing failed (the socket is gone, say): nothing more can be sent on it.
        log({ level: "error", requestId, message: "The response could not be written.", detail: describeError(error) });
        res.destroy();
      });
  };
}

const negotiateError = createNegotiation();

/**
 * Sends an error in the contract's shape from code outside the pipeline (the reference CRM's pages, say):
 * JSON or its message in plain text by Accept, with a new request id unless given.
 */
export function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: ErrorBody,
  options: { requestId?: string; headers?: Record<string, string> } = {},
): void {
  const accept = req.headers.accept;
  const mediaType = negotiateError(typeof accept === "string" ? accept : undefined, errorMediaTypes) ?? jsonMediaType;
  writeResponse(
    req,
    res,
    createResponse(status, options.requestId ?? randomUUID(), mediaType, errorText(mediaType, body), options.headers),
  );
}

/** Sends a JSON body from code outside the pipeline, with the headers every response carries. */
export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  options: { requestId?: string; headers?: Record<string, string> } = {},
): void {
  writeResponse(
    req,
    res,
    createResponse(status, options.requestId ?? randomUUID(), jsonMediaType, JSON.stringify(body), options.headers),
  );
}
