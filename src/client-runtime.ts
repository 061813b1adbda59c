// The fixed part of the generated client (generated/client.ts): types that turn openapi-typescript's
// `operations` into call signatures and results, and one function that performs a call through
// openapi-fetch. Everything specific to an operation is generated from the spec.
import createFetchClient from "openapi-fetch";
import type { BodyOf, ParamsOf, ResponseMediaType, StatusOf } from "./operation-types.js";

export type { RequestBody, ResponseMediaType } from "./operation-types.js";

export interface ClientOptions {
  /** Base URL of the CRM server, e.g. `http://127.0.0.1:4010`. */
  baseUrl: string;
  /** The API key (Khoros's `authHeaderValue`), sent in the spec's API-key header of every secured operation. */
  apiKey: string;
  /** A `fetch` to use instead of the global one (tests, instrumentation, proxies). */
  fetch?: typeof fetch;
}

/** Options of one call: the operation's header, path and query parameters, and the media type to ask for. */
export type CallOptions<Op, Accept extends string> = {
  headers?: ParamsOf<Op, "header">;
  /** The response media type to ask for (the Accept header); `application/json` unless given. */
  accept?: Accept;
  signal?: AbortSignal;
} & ([ParamsOf<Op, "path">] extends [never] ? unknown : { path: ParamsOf<Op, "path"> }) &
  ([ParamsOf<Op, "query">] extends [never] ? unknown : { query?: ParamsOf<Op, "query"> });

/**
 * The outcome of a call, discriminated by HTTP status: one member per documented status, whose `data`
 * is that status's body in the media type that was asked for.
 */
export type Result<Op, Accept extends string> = {
  [S in StatusOf<Op>]: { status: S; data: BodyOf<Op, S, Accept>; response: Response };
}[StatusOf<Op>];

/** Thrown when the server answers with a status the spec does not document for the operation. */
export class UnexpectedResponseError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly response: Response,
  ) {
    super(`Unexpected HTTP status ${status}: the spec does not document it for this operation.`);
    this.name = "UnexpectedResponseError";
  }
}

/** What the generator knows about an operation, passed with each call. */
export interface OperationInfo {
  method: "GET" | "PUT" | "POST" | "DELETE" | "OPTIONS" | "HEAD" | "PATCH" | "TRACE";
  path: string;
  statuses: readonly number[];
  /** The header that carries the API key; absent for a public operation. */
  apiKeyHeader?: string;
}

interface CallInput {
  body?: unknown;
  headers?: Record<string, unknown>;
  path?: Record<string, unknown>;
  query?: Record<string, unknown>;
  accept?: string;
  signal?: AbortSignal;
}

/**
 * What openapi-fetch builds each request with (its documented `Request` option): the URL and init only,
 * handed to `fetch(url, init)` as is. A real `Request` costs more to build than the rest of a call on
 * loopback, and `fetch` would copy it again.
 */
class DeferredRequest {
  readonly method: string;
  constructor(
    readonly url: string,
    readonly init: RequestInit,
  ) {
    this.method = init.method ?? "GET";
  }
}

/** Returns the function the generated methods call: it sends the request and shapes the result. */
export function createCaller(options: ClientOptions) {
  const send = options.fetch ?? fetch;
  const client = createFetchClient({
    baseUrl: options.baseUrl,
    Request: DeferredRequest as unknown as typeof Request,
    fetch: (request) => {
      const { url, init } = request as unknown as DeferredRequest;
      return send(url, init);
    },
  });
  return async function call(operation: OperationInfo, input: CallInput = {}) {
    const accept = input.accept ?? "application/json";
    const asText = !/^application\/(.+\+)?json$/.test(accept);
    const { data, error, response } = await client.request(
      operation.method as never,
      operation.path as never,
      {
        body: input.body,
        params: { header: input.headers, path: input.path, query: input.query },
        headers: operation.apiKeyHeader
          ? { Accept: accept, [operation.apiKeyHeader]: options.apiKey }
          : { Accept: accept },
        parseAs: asText ? "text" : "json",
        signal: input.signal,
      } as never,
    );
    // openapi-fetch JSON-parses every error body it can; a text answer must come back as the text.
    const body = response.ok ? data : asText && typeof error !== "string" ? JSON.stringify(error) : error;
    if (!operation.statuses.includes(response.status)) {
      throw new UnexpectedResponseError(response.status, body, response);
    }
    return { status: response.status, data: body, response };
  };
}
