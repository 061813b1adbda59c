// Types that read openapi-typescript's `operations[...]` entries; shared by the client and the server runtime.

/** The `responses` map of an operation, keyed by status. */
export type ResponsesOf<Op> = Op extends { responses: infer R } ? R : never;

/** The `content` map (media type → body) of one response; `never` when the response has no body. */
export type ContentOf<Response> = Response extends { content: infer C } ? C : never;

/** The documented numeric statuses of an operation. */
export type StatusOf<Op> = keyof ResponsesOf<Op> & number;

/** The body of one status in one media type. */
export type BodyOf<Op, S extends StatusOf<Op>, Media extends string> =
  ContentOf<ResponsesOf<Op>[S]> extends never
    ? undefined
    : Media extends keyof ContentOf<ResponsesOf<Op>[S]>
      ? ContentOf<ResponsesOf<Op>[S]>[Media]
      : never;

/** The media types an operation can answer with, across all its documented statuses. */
export type ResponseMediaType<Op> = {
  [S in keyof ResponsesOf<Op>]: keyof ContentOf<ResponsesOf<Op>[S]>;
}[keyof ResponsesOf<Op>] &
  string;

/** The JSON request body of an operation; `never` when it takes none (openapi-typescript's `requestBody?: never`). */
export type RequestBody<Op> = Op extends { requestBody?: infer R }
  ? [NonNullable<R>] extends [never]
    ? never
    : NonNullable<R> extends { content: { "application/json": infer B } }
      ? B
      : never
  : never;

/** The header, path or query parameters of an operation; `never` when it has none. */
export type ParamsOf<Op, In extends "header" | "path" | "query"> = Op extends { parameters: { [K in In]?: infer P } }
  ? [P] extends [never | undefined]
    ? never
    : P
  : never;

/**
 * A request body as handlers see it: no `null` anywhere, since the runtime drops every `null` property
 * before validation (the contract reads it as "not sent").
 */
export type WithoutNulls<T> = T extends null
  ? never
  : T extends readonly (infer Item)[]
    ? WithoutNulls<Item>[]
    : T extends object
      ? { [K in keyof T]: WithoutNulls<T[K]> }
      : T;
