// The request pipeline, the same whatever carries the request: every request of every operation passes these
// named steps in this order, each either answering it (an error in the contract's shape) or passing it on:
//   route → negotiate → authenticate → read the body → validate → call the handler →
//   check the response → serialise
// The transports (node-transport.ts, fetch-transport.ts) only adapt their request and send the response.
import { createKeyChecker } from "./api-keys.js";
import { type HandlerResult, offContract, serialise } from "./handler-response.js";
import { type IncomingRequest, pathOf } from "./incoming.js";
import { createNegotiation, type Negotiate } from "./negotiation.js";
import { maxBodyDepth, readJsonObject } from "./request-body.js";
import {
  createResponse,
  defaultBodyLimit,
  errorMediaTypes,
  errorText,
  jsonMediaType,
  type OutgoingResponse,
} from "./response.js";
import { createRouter, normalizeBasePath, relativePath, type RouteMatch } from "./router.js";
import {
  alternatives,
  type ErrorBody,
  type ErrorCatalogue,
  errorFrom,
  type RuntimeSituation,
  sizeInWords,
} from "./server-errors.js";
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

/** What the steps share, worked out once from the generated API and the options. */
interface Settings {
  catalogue: ErrorCatalogue;
  handlers: Record<string, Handler<unknown>>;
  match: (method: string, path: string) => RouteMatch<Route>;
  basePath: string;
  negotiate: Negotiate;
  /** Every media type an operation answers with, across its statuses: an Accept allowing none is a 406. */
  offered: Map<Route, string[]>;
  checkKey: (presented: string | undefined) => string | undefined;
  keyHeaders: Map<Route, string[]>;
  bodyLimit: number;
  validateResponses: boolean;
  log: (entry: LogEntry) => void;
}

/** A request routed to an operation, as the steps after routing see it. */
interface Routed {
  request: IncomingRequest;
  requestId: string;
  route: Route;
  pathValues: Record<string, string>;
}

/** An error in the media type Accept prefers among those its status offers (JSON when none is acceptable). */
function errorResponse(
  settings: Settings,
  call: Pick<Routed, "request" | "requestId"> & { route?: Route },
  status: number,
  body: ErrorBody,
  headers?: Record<string, string>,
) {
  const offered = call.route?.responses[status]?.mediaTypes ?? errorMediaTypes;
  const mediaType = settings.negotiate(call.request.header("accept"), offered) ?? jsonMediaType;
  return createResponse(status, call.requestId, mediaType, errorText(mediaType, body), headers);
}

const runtimeError = (settings: Settings, situation: RuntimeSituation, values?: Record<string, string>) =>
  errorFrom(settings.catalogue, situation, values);

/** Route: the operation of the method and path under the base path, or the contract's 404 or 405. */
function route(settings: Settings, request: IncomingRequest, requestId: string): Routed | PipelineResult {
  const path = relativePath(request.url, settings.basePath);
  const found = path === undefined ? ({ found: false, status: 404 } as const) : settings.match(request.method, path);
  if (found.found) return { request, requestId, route: found.route, pathValues: found.pathValues };
  const call = { request, requestId };
  const requestPath = pathOf(request.url);
  if (found.status === 404)
    return {
      response: errorResponse(settings, call, 404, runtimeError(settings, "notFound", { path: requestPath })),
      notInApi: true,
    };
  const allowed = { path: requestPath, method: request.method, allowed: alternatives(found.allowed) };
  return {
    response: errorResponse(settings, call, 405, runtimeError(settings, "methodNotAllowed", allowed), {
      Allow: found.allowed.join(", "),
    }),
  };
}

/** Negotiate: a 406 when Accept allows none of the operation's media types. */
function refuseUnacceptable(settings: Settings, call: Routed): OutgoingResponse | undefined {
  const offered = settings.offered.get(call.route)!;
  if (offered.length === 0 || settings.negotiate(call.request.header("accept"), offered)) return undefined;
  return errorResponse(
    settings,
    call,
    406,
    runtimeError(settings, "notAcceptable", { mediaTypes: alternatives(offered) }),
  );
}

/** Authenticate: the name of the key presented in one of the operation's key headers, or a 401. */
function authenticate(settings: Settings, call: Routed): { apiKeyId?: string } | OutgoingResponse {
  const { route, request } = call;
  if (route.apiKeyHeaders.length === 0) return {};
  let apiKeyId: string | undefined;
  for (const header of settings.keyHeaders.get(route)!) apiKeyId ??= settings.checkKey(request.header(header));
  if (apiKeyId) return { apiKeyId };
  return errorResponse(
    settings,
    call,
    401,
    runtimeError(settings, "invalidApiKey", { header: route.apiKeyHeaders.join(" or ") }),
  );
}

/** Read the body: the JSON object the operation takes (none when it takes none), or why it cannot be read. */
async function readBody(
  settings: Settings,
  call: Routed,
): Promise<{ body?: Record<string, unknown> } | OutgoingResponse | "aborted"> {
  const { route, request } = call;
  if (!route.body || (!request.hasBody && !route.body.required)) return {};
  const read = await readJsonObject(request, settings.bodyLimit);
  if (read.ok) return { body: read.value };
  if (read.situation === "aborted") return "aborted";
  const values = { limit: sizeInWords(settings.bodyLimit), depth: String(maxBodyDepth) };
  return errorResponse(settings, call, read.status, runtimeError(settings, read.situation, values));
}

/** Call the handler, check what it returns, and serialise it; a 500 (logged) when it throws or is off-contract. */
async function callHandler(
  settings: Settings,
  call: Routed,
  input: Record<string, unknown>,
): Promise<OutgoingResponse> {
  const { request, requestId, route } = call;
  const failed = (message: string, detail: unknown) => {
    settings.log({ level: "error", requestId, operationId: route.operationId, message, detail });
    return errorResponse(settings, call, 500, runtimeError(settings, "unexpected"));
  };
  let result: HandlerResult;
  try {
    result = await settings.handlers[route.operationId]!(input as never);
  } catch (thrown) {
    return failed("The handler threw.", describeError(thrown));
  }
  const problem = offContract(route, result, settings.validateResponses);
  if (problem) return failed("The handler's response is not in the spec.", problem);
  const { mediaTypes, textFrom } = route.responses[result.status]!;
  if (mediaTypes.length === 0) return createResponse(result.status, requestId);
  // Negotiated per status; when Accept allows none of this status's media types, its first (HTTP allows it).
  const mediaType = settings.negotiate(request.header("accept"), mediaTypes) ?? mediaTypes[0]!;
  const body = serialise(route, result, mediaType);
  if (body === undefined) return failed("The handler's response is not in the spec.", `no text at ${textFrom}`);
  return createResponse(result.status, requestId, mediaType, body);
}

/** Every step in order, for one request. */
async function steps(settings: Settings, request: IncomingRequest, requestId: string): Promise<PipelineResult> {
  const routed = route(settings, request, requestId);
  if (!("pathValues" in routed)) return routed;
  const refused = (response: OutgoingResponse): PipelineResult => ({ response, route: routed.route });
  const unacceptable = refuseUnacceptable(settings, routed);
  if (unacceptable) return refused(unacceptable);
  const key = authenticate(settings, routed);
  if ("status" in key) return refused(key);
  const read = await readBody(settings, routed);
  if (read === "aborted") return { aborted: true, route: routed.route };
  if ("status" in read) return refused(read);
  const checked = validate(routed.route, request, routed.pathValues, read.body, settings.catalogue);
  if (!checked.valid) return refused(errorResponse(settings, routed, checked.status, checked.body));
  const { header = {}, path = {}, query = {} } = checked.parameters;
  const input = { context: { requestId, apiKeyId: key.apiKeyId }, body: read.body, headers: header, path, query };
  return { response: await callHandler(settings, routed, input), route: routed.route };
}

/** The pipeline of a generated API: a function from a request (and its id) to the response to send. */
export function createPipeline<Handlers>(api: GeneratedApi<Handlers>, options: ServerOptions<Handlers>) {
  const routes = Object.values(api.routes) as Route[];
  const handlers = options.handlers as Record<string, Handler<unknown>>;
  for (const route of routes)
    if (typeof handlers[route.operationId] !== "function") throw new Error(`No handler for ${route.operationId}.`);
  const settings: Settings = {
    catalogue: api.errorCatalogue,
    handlers,
    match: createRouter(routes, (route) => route.method),
    basePath: normalizeBasePath(options.basePath),
    negotiate: createNegotiation(),
    offered: new Map(routes.map((r) => [r, [...new Set(Object.values(r.responses).flatMap((s) => s.mediaTypes))]])),
    checkKey: createKeyChecker(options.apiKeys),
    keyHeaders: new Map(routes.map((r) => [r, r.apiKeyHeaders.map((header) => header.toLowerCase())])),
    bodyLimit: options.bodyLimit ?? defaultBodyLimit,
    validateResponses: options.validateResponses ?? process.env.NODE_ENV !== "production",
    log: options.log ?? logToStderr,
  };
  /** The response to a request; a 500 (logged) should a step itself fail. */
  return async function respond(request: IncomingRequest, requestId: string): Promise<PipelineResult> {
    try {
      return await steps(settings, request, requestId);
    } catch (thrown) {
      settings.log({
        level: "error",
        requestId,
        message: "The request failed unexpectedly.",
        detail: describeError(thrown),
      });
      return { response: errorResponse(settings, { request, requestId }, 500, runtimeError(settings, "unexpected")) };
    }
  };
}

export type Pipeline = ReturnType<typeof createPipeline>;

/** What a request log is told of a request and its response. */
export function requestRecord(
  request: IncomingRequest,
  requestId: string,
  status: number,
  route: Route | undefined,
  started: number,
): RequestRecord {
  const record: RequestRecord = {
    method: request.method,
    path: pathOf(request.url),
    status,
    requestId,
    ms: performance.now() - started,
    header: (name) => request.header(name),
  };
  if (route) Object.assign(record, { operationId: route.operationId, route: route.path });
  return record;
}
