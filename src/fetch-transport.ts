// The pipeline as a Web-standard `fetch` handler, `(request: Request) => Promise<Response>`: for the
// platforms whose callbacks are fetch handlers (Cloudflare Workers, Deno, Bun, Vercel; AWS Lambda through
// an adapter), and for calling a server in-process, with no socket. The validators are compiled when the
// code is generated, so nothing here needs `eval` or `new Function`, which edge runtimes forbid.
import type { BodyRead, IncomingRequest } from "./incoming.js";
import { type Pipeline, requestRecord } from "./pipeline.js";
import type { RequestRecord } from "./types.js";

/** Reads a Web request's body up to `limit` bytes; past it, stops reading (cancels the stream) and says so. */
async function readWebBody(request: Request, limit: number): Promise<BodyRead> {
  if (Number(request.headers.get("content-length")) > limit) return { ok: false, reason: "too_large" };
  if (!request.body) return { ok: true, bytes: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      size += read.value.length;
      if (size > limit) {
        void reader.cancel();
        return { ok: false, reason: "too_large" };
      }
      chunks.push(read.value);
    }
  } catch {
    return { ok: false, reason: "aborted" };
  }
  if (chunks.length === 1) return { ok: true, bytes: chunks[0]! };
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) bytes.set(chunk, (offset += chunk.length) - chunk.length);
  return { ok: true, bytes };
}

/** A Web request as the pipeline reads it. */
function incoming(request: Request): IncomingRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    url: `${url.pathname}${url.search}`,
    header: (name) => request.headers.get(name) ?? undefined,
    hasBody: request.body !== null,
    readBody: (limit) => readWebBody(request, limit),
  };
}

export interface FetchTransportOptions {
  requestLog?: (record: RequestRecord) => void;
}

/** A fetch handler serving the pipeline. */
export function createFetchTransport(
  respond: Pipeline,
  { requestLog }: FetchTransportOptions = {},
): (request: Request) => Promise<Response> {
  return async (request) => {
    const started = performance.now();
    const requestId = crypto.randomUUID();
    const adapted = incoming(request);
    const result = await respond(adapted, requestId);
    // A client that went away gets nothing; a Response is still due: an empty 400 that no one reads.
    if ("aborted" in result) return new Response(null, { status: 400 });
    const { status, headers, body } = result.response;
    requestLog?.(requestRecord(adapted, requestId, status, result.route, started));
    return new Response(request.method === "HEAD" ? null : (body ?? null), { status, headers });
  };
}
