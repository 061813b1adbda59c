// The response the pipeline gives a transport to send: a status, its headers, and its body as text. Every
// response carries X-Request-Id and nosniff; an error goes out as JSON or as its message in plain text.
import type { ErrorBody } from "./server-errors.js";

export const jsonMediaType = "application/json";
/** The media types every error is offered in. */
export const errorMediaTypes: readonly string[] = [jsonMediaType, "text/plain"];
/** 1 MiB, Fastify's default: a case with a long thread of posts fits (Express's 100 KiB would not). */
export const defaultBodyLimit = 1024 * 1024;

export interface OutgoingResponse {
  status: number;
  headers: Record<string, string>;
  /** The body as text, in the media type its Content-Type says; none for a 204 or a HEAD. */
  body?: string;
}

/** A response with the headers every response carries (and its Content-Type, when it has a body). */
export function createResponse(
  status: number,
  requestId: string,
  mediaType?: string,
  body?: string,
  extra?: Record<string, string>,
): OutgoingResponse {
  const headers: Record<string, string> = { "X-Request-Id": requestId, "X-Content-Type-Options": "nosniff" };
  if (body !== undefined) headers["Content-Type"] = `${mediaType}; charset=utf-8`;
  if (extra) Object.assign(headers, extra);
  return { status, headers, body };
}

/** An error body in a media type: the JSON, or its message as plain text. */
export const errorText = (mediaType: string, body: ErrorBody) =>
  mediaType === jsonMediaType ? JSON.stringify(body) : body.message;
