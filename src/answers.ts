// Writing answers. Every answer carries X-Request-Id and nosniff; an error goes out as JSON or as its
// message in plain text, whichever the request's Accept prefers.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import Negotiator from "negotiator";
import type { ErrorBody } from "./server-errors.js";

export const jsonMediaType = "application/json";
/** The media types every error is offered in. */
export const errorMediaTypes: readonly string[] = [jsonMediaType, "text/plain"];
/** 1 MiB, Fastify's default: a case with a long thread of posts fits (Express's 100 KiB would not). */
export const defaultBodyLimit = 1024 * 1024;

/** A media-type negotiation that remembers its outcomes: clients send the same few Accept headers over and over. */
export function createNegotiation() {
  const outcomes = new Map<readonly string[], Map<string, string | undefined>>();
  return function negotiate(req: IncomingMessage, available: readonly string[]): string | undefined {
    const accept = req.headers.accept;
    if (accept === undefined) return available[0];
    let known = outcomes.get(available);
    if (!known) outcomes.set(available, (known = new Map()));
    if (known.has(accept)) return known.get(accept);
    const chosen = new Negotiator(req).mediaType(available as string[]);
    if (known.size >= 256) known.clear(); // bounded: arbitrary headers cannot grow it
    known.set(accept, chosen);
    return chosen;
  };
}

export interface Answer {
  status: number;
  requestId: string;
  /** The media type of `payload`; undefined for an answer without a body. */
  mediaType?: string;
  payload?: string;
  /** Further headers, such as Allow. */
  headers?: OutgoingHttpHeaders;
  /** Bodies up to this size are read and dropped when answered early; larger ones close the connection. */
  bodyLimit?: number;
}

/** Writes an answer with the headers every answer carries (set at once: faster than setHeader). */
export function writeAnswer(req: IncomingMessage, res: ServerResponse, answer: Answer): void {
  const headers: string[] = ["X-Request-Id", answer.requestId, "X-Content-Type-Options", "nosniff"];
  if (answer.payload !== undefined) {
    const contentType = answer.mediaType === jsonMediaType ? "application/json; charset=utf-8" : `${answer.mediaType}; charset=utf-8`;
    headers.push("Content-Type", contentType, "Content-Length", String(Buffer.byteLength(answer.payload)));
  }
  for (const [name, value] of Object.entries(answer.headers ?? {})) if (value !== undefined) headers.push(name, String(value));
  // Answered before the body was read: Node reads and drops a body within the limit, and the connection
  // lives on; a larger or chunked one (of unknown length) closes the connection instead of being read.
  const unreadBody =
    req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > (answer.bodyLimit ?? defaultBodyLimit);
  if (!req.complete && unreadBody) headers.push("Connection", "close");
  res.writeHead(answer.status, headers);
  res.end(req.method === "HEAD" ? undefined : answer.payload);
}

/** An error body in a media type: the JSON, or its message as plain text. */
export const errorPayload = (mediaType: string, body: ErrorBody) => (mediaType === jsonMediaType ? JSON.stringify(body) : body.message);

const negotiateError = createNegotiation();

/**
 * Answers with an error in the contract's shape, for code outside the request listener (the reference
 * CRM's pages): JSON or plain text by Accept, a new request id unless given.
 */
export function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: ErrorBody,
  options: { requestId?: string; headers?: OutgoingHttpHeaders } = {},
): void {
  const mediaType = negotiateError(req, errorMediaTypes) ?? jsonMediaType;
  const requestId = options.requestId ?? randomUUID();
  writeAnswer(req, res, { status, requestId, mediaType, payload: errorPayload(mediaType, body), headers: options.headers });
}
