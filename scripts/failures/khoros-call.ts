// The call of a failure event as the CRM received it: matched to an operation of the generated route table
// (the instanceUrl's base path found as what precedes a path of the spec), its headers and body as the
// server reads them, and the same call to send again, with a key of ours instead of the masked one.
import { routes } from "../../generated/server.js";
import type { ExternalCall } from "../../reference-crm/events/event.js";
import { isSecretName } from "../../reference-crm/events/mask.js";
import type { IncomingRequest } from "../../src/incoming.js";
import { createRouter, relativePath, type RouteMatch } from "../../src/router.js";
import type { Route } from "../../src/types.js";
import type { VerifyRequest } from "../verify/check.js";

const allRoutes = Object.values(routes) as Route[];
const match = createRouter(allRoutes, (route) => route.method);

export interface KhorosCall {
  method: string;
  /** The path of the URI Khoros called (no host, no query). */
  uriPath: string;
  /** The instanceUrl's path: what precedes the first path of the spec found in the URI ("" for none). */
  basePath: string;
  /** Below the base path, with the query: what the CRM's router saw. */
  path: string;
  match: RouteMatch<Route>;
  /** Header values by lower-case name, repeated ones joined as HTTP joins them. */
  headers: Record<string, string>;
  body?: string;
  /** The event lists no request header at all: its Content-Type is taken to be JSON when it has a body. */
  headersUnknown: boolean;
}

/** The base path and the operation: the longest tail of the path that routes (or names a path of the spec). */
function locate(method: string, path: string): Pick<KhorosCall, "basePath" | "match"> & { rest: string } {
  const segments = path.split("/").filter(Boolean);
  for (let i = 0; i < segments.length; i++) {
    const rest = `/${segments.slice(i).join("/")}`;
    const found = match(method, rest);
    if (found.found || found.status === 405)
      return { basePath: i === 0 ? "" : `/${segments.slice(0, i).join("/")}`, rest, match: found };
  }
  return { basePath: "", rest: path, match: { found: false, status: 404 } };
}

/** The query of the URI, or else the one the event lists. */
function queryOf(url: URL, parameters: Record<string, string[]>): string {
  if (url.search) return url.search;
  const query = new URLSearchParams();
  for (const [name, values] of Object.entries(parameters)) for (const value of values) query.append(name, value);
  return query.size > 0 ? `?${query}` : "";
}

/** The failed call, as the CRM's router and validators read it. */
export function khorosCall(call: ExternalCall): KhorosCall {
  const url = new URL(call.requestUri, "http://khoros.invalid"); // a URI without a host is read as a path
  const uriPath = relativePath(url.pathname, "")!;
  const method = call.requestMethod;
  const { basePath, rest, match: found } = locate(method, uriPath);
  const headers = Object.fromEntries(
    Object.entries(call.requestHeaders).map(([name, values]) => [name.toLowerCase(), values.join(", ")]),
  );
  const headersUnknown = Object.keys(headers).length === 0;
  if (headersUnknown && call.requestBody) headers["content-type"] = "application/json";
  const path = `${rest}${queryOf(url, call.requestQueryParameters)}`;
  return { method, uriPath, basePath, path, match: found, headers, body: call.requestBody, headersUnknown };
}

/** The call as the pipeline's steps read a request. */
export function incomingOf(call: KhorosCall): IncomingRequest {
  const bytes = Buffer.from(call.body ?? "", "utf8");
  return {
    method: call.method,
    url: call.path,
    header: (name) => call.headers[name],
    hasBody: bytes.length > 0,
    readBody: async (limit) => (bytes.length > limit ? { ok: false, reason: "too_large" } : { ok: true, bytes }),
  };
}

/** Headers that belong to one connection, or that fetch sets itself: never sent again. */
const perConnection = new Set(
  "host content-length transfer-encoding connection keep-alive accept-encoding expect upgrade te trailer".split(" "),
);

/** The call to send again: Khoros's headers but its secrets, `key` in the operation's key header, the body. */
export function replayRequest(call: KhorosCall, key: string): VerifyRequest {
  const route = call.match.found ? call.match.route : allRoutes[0]!;
  const kept = Object.entries(call.headers).filter(([name]) => !perConnection.has(name) && !isSecretName(name));
  const headers: Record<string, string> = Object.fromEntries(kept);
  for (const header of route.apiKeyHeaders.slice(0, 1)) headers[header] = key;
  const withBody = call.body !== undefined && call.method !== "GET" && call.method !== "HEAD";
  return { method: call.method, path: call.path, headers, ...(withBody ? { body: call.body } : {}) };
}
