// The request pipeline, the same whatever carries the request: every request of every operation passes these
// named steps in this order, each either answering it (an error in the contract's shape) or passing it on:
//   route → negotiate → authenticate → read the body → validate → call the handler → check the response → serialise
// The transports (node-transport.ts, fetch-transport.ts) only adapt their request and send the response.
import { createKeyChecker } from "./api-keys.js";
import { type IncomingRequest, pathOf } from "./incoming.js";
import { createNegotiation } from "./negotiation.js";
import { type HandlerResult, offContract, serialise } from "./handler-response.js";
import { maxBodyDepth, readJsonObject } from "./request-body.js";
import { createResponse, defaultBodyLimit, errorMediaTypes, errorText, jsonMediaType, type OutgoingResponse } from "./response.js";
import { createRouter, normalizeBasePath, relativePath } from "./router.js";
import { alternatives, type ErrorBody, errorFrom, type RuntimeSituation, sizeInWords } from "./server-errors.js";
import type { GeneratedApi, Handler, LogEntry, RequestRecord, Route, ServerOptions } from "./types.js";
import { validate } from "./validation.js";

/** The default log: one JSON line per entry on stderr. */
export const logToStderr = (entry: LogEntry) => process.stderr.write(`${JSON.stringify(entry)}\n`);
/** A thrown value as the log's `detail`: the stack of an Error, the text of anything else. */
export const describeError = (error: unknown) => (error instanceof Error ? error.stack : String(error));

export type PipelineResult =
  /** The response to send; `notInApi` when the path is none of the API's (middleware hands it on instead). */
  | { response: OutgoingResponse; route?: Route; notInApi?: boolean }
  /** The client went away while its body was read: nothing to send. */
  | { aborted: true; route: Route };

/** What the steps know of a request routed to an operation. */
interface Routed {
  request: IncomingRequest;
  requestId: string;
  route: Route;
  pathValues: Record<string, string>;
}

/** The pipeline of a generated API: a function from a request (and its id) to the response to send. */
export function createPipeline<Handlers>(api: GeneratedApi<Handlers>, options: ServerOptions<Handlers>) {
  const routes = Object.values(api.routes) as Route[];
  const handlers = options.handlers as Record<string, Handler<unknown>>;
  for (const route of routes) if (typeof handlers[route.operationId] !== "function") throw new Error(`No handler for ${route.operationId}.`);
  const checkKey = createKeyChecker(options.apiKeys);
  const basePath = normalizeBasePath(options.basePath);
  const bodyLimit = options.bodyLimit ?? defaultBodyLimit;
  const validateResponses = options.validateResponses ?? process.env.NODE_ENV !== "production";
  const log = options.log ?? logToStderr;
  const match = createRouter(routes, (route) => route.method);
  const negotiate = createNegotiation();
  // Every media type an operation answers with, across its statuses: an Accept allowing none of them is a 406.
  const offeredBy = new Map(routes.map((r) => [r, [...new Set(Object.values(r.responses).flatMap((s) => s.mediaTypes))]]));
  const keyHeadersOf = new Map(routes.map((r) => [r, r.apiKeyHeaders.map((header) => header.toLowerCase())]));
  const runtimeError = (situation: RuntimeSituation, values?: Record<string, string>) => errorFrom(api.errorCatalogue, situation, values);

  /** An error in the media type Accept prefers among those its status offers (JSON when none is acceptable). */
  function errorResponse(request: IncomingRequest, requestId: string, status: number, body: ErrorBody, route?: Route, headers?: Record<string, string>) {
    const mediaType = negotiate(request.header("accept"), route?.responses[status]?.mediaTypes ?? errorMediaTypes) ?? jsonMediaType;
    return createResponse(status, requestId, mediaType, errorText(mediaType, body), headers);
  }

  /** Route: the operation of the method and path under the base path, or the contract's 404 or 405. */
  function route(request: IncomingRequest, requestId: string): Routed | PipelineResult {
    const path = relativePath(request.url, basePath);
    const found = path === undefined ? ({ found: false, status: 404 } as const) : match(request.method, path);
    if (found.found) return { request, requestId, route: found.route, pathValues: found.pathValues };
    const requestPath = pathOf(request.url);
    if (found.status === 404) return { response: errorResponse(request, requestId, 404, runtimeError("notFound", { path: requestPath })), notInApi: true };
    const allowed = { path: requestPath, method: request.method, allowed: alternatives(found.allowed) };
    return { response: errorResponse(request, requestId, 405, runtimeError("methodNotAllowed", allowed), undefined, { Allow: found.allowed.join(", ") }) };
  }

  /** Negotiate: a 406 when Accept allows none of the operation's media types. */
  function refuseUnacceptable({ request, requestId, route }: Routed): OutgoingResponse | undefined {
    const offered = offeredBy.get(route)!;
    if (offered.length === 0 || negotiate(request.header("accept"), offered)) return undefined;
    return errorResponse(request, requestId, 406, runtimeError("notAcceptable", { mediaTypes: alternatives(offered) }), route);
  }

  /** Authenticate: the name of the key presented in one of the operation's key headers, or a 401. */
  function authenticate({ request, requestId, route }: Routed): { apiKeyId?: string } | OutgoingResponse {
    if (route.apiKeyHeaders.length === 0) return {};
    let apiKeyId: string | undefined;
    for (const header of keyHeadersOf.get(route)!) apiKeyId ??= checkKey(request.header(header));
    return apiKeyId ? { apiKeyId } : errorResponse(request, requestId, 401, runtimeError("invalidApiKey", { header: route.apiKeyHeaders.join(" or ") }), route);
  }

  /** Read the body: the JSON object the operation takes (none when it takes none), or the reason it cannot be read. */
  async function readBody({ request, requestId, route }: Routed): Promise<{ body?: Record<string, unknown> } | OutgoingResponse | "aborted"> {
    if (!route.body || (!request.hasBody && !route.body.required)) return {};
    const read = await readJsonObject(request, bodyLimit);
    if (read.ok) return { body: read.value };
    if (read.situation === "aborted") return "aborted";
    const values = { limit: sizeInWords(bodyLimit), depth: String(maxBodyDepth) };
    return errorResponse(request, requestId, read.status, runtimeError(read.situation, values), route);
  }

  /** Call the handler, check what it returns, and serialise it; a 500 (logged) when it throws or is off-contract. */
  async function callHandler(call: Routed, input: Record<string, unknown>): Promise<OutgoingResponse> {
    const { request, requestId, route } = call;
    const failed = (message: string, detail: unknown) => {
      log({ level: "error", requestId, operationId: route.operationId, message, detail });
      return errorResponse(request, requestId, 500, runtimeError("unexpected"), route);
    };
    let result: HandlerResult;
    try {
      result = await handlers[route.operationId]!(input as never);
    } catch (thrown) {
      return failed("The handler threw.", describeError(thrown));
    }
    const problem = offContract(route, result, validateResponses);
    if (problem) return failed("The handler's response is not in the spec.", problem);
    const { mediaTypes, textFrom } = route.responses[result.status]!;
    if (mediaTypes.length === 0) return createResponse(result.status, requestId);
    // Negotiated per status; when Accept allows none of this status's media types, its first (HTTP allows it).
    const mediaType = negotiate(request.header("accept"), mediaTypes) ?? mediaTypes[0]!;
    const body = serialise(route, result, mediaType);
    if (body === undefined) return failed("The handler's response is not in the spec.", `no text at ${textFrom}`);
    return createResponse(result.status, requestId, mediaType, body);
  }

  /** Every step in order, for one request. */
  async function steps(request: IncomingRequest, requestId: string): Promise<PipelineResult> {
    const routed = route(request, requestId);
    if (!("pathValues" in routed)) return routed;
    const fail = (response: OutgoingResponse): PipelineResult => ({ response, route: routed.route });
    const unacceptable = refuseUnacceptable(routed);
    if (unacceptable) return fail(unacceptable);
    const key = authenticate(routed);
    if ("status" in key) return fail(key);
    const read = await readBody(routed);
    if (read === "aborted") return { aborted: true, route: routed.route };
    if ("status" in read) return fail(read);
    const checked = validate(routed.route, request, routed.pathValues, read.body, api.errorCatalogue);
    if (!checked.valid) return fail(errorResponse(request, requestId, checked.status, checked.body, routed.route));
    const { header = {}, path = {}, query = {} } = checked.parameters;
    const input = { context: { requestId, apiKeyId: key.apiKeyId }, body: read.body, headers: header, path, query };
    return { response: await callHandler(routed, input), route: routed.route };
  }

  /** The response to a request; a 500 (logged) should a step itself fail. */
  return async function respond(request: IncomingRequest, requestId: string): Promise<PipelineResult> {
    try {
      return await steps(request, requestId);
    } catch (thrown) {
      log({ level: "error", requestId, message: "The request failed unexpectedly.", detail: describeError(thrown) });
      return { response: errorResponse(request, requestId, 500, runtimeError("unexpected")) };
    }
  };
}

/** What a request log is told of a request and its response. */
export function requestRecord(request: IncomingRequest, requestId: string, status: number, route: Route | undefined, started: number): RequestRecord {
  const record: RequestRecord = { method: request.method, path: pathOf(request.url), status, requestId, ms: performance.now() - started, header: (name) => request.header(name) };
  if (route) Object.assign(record, { operationId: route.operationId, route: route.path });
  return record;
}

export type Pipeline = ReturnType<typeof createPipeline>;
