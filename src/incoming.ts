// A request as the pipeline reads it, whatever carried it (node:http, a Web `Request`): each transport
// adapts its own request to this, so the steps of src/pipeline.ts know nothing of the transport.

/** The body's bytes, or why there are none: larger than the limit, or the client went away. */
export type BodyRead = { ok: true; bytes: Uint8Array } | { ok: false; reason: "too_large" | "aborted" };

export interface IncomingRequest {
  /** Upper case, e.g. `POST`. */
  method: string;
  /** The path and query as sent, e.g. `/api/v1/customer?x=1`. */
  url: string;
  /** A header's value by its lower-case name; undefined when it is not sent. */
  header(name: string): string | undefined;
  /** Whether a body follows (a Content-Length above 0, or one of unannounced length). */
  hasBody: boolean;
  /** Reads the body up to `limit` bytes; past it, stops reading and says "too_large". */
  readBody(limit: number): Promise<BodyRead>;
}

/** The path of a request URL, without its query. */
export const pathOf = (url: string) => {
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
};
