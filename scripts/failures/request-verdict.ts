// Was Khoros's request valid by the spec? The runtime's own steps judge it as the server read it (a `null`
// dropped before validation, parameters typed from their text): negotiation, the body read as JSON, and the
// operation's generated validators. A refusal says the contract's answer and the rules of the spec it broke.
// The key is not judged: the event's is masked (its 401, if any, is told from the response code).
import { errorCatalogue } from "../../generated/server.js";
import { createNegotiation } from "../../src/negotiation.js";
import { maxBodyDepth, readJsonObject } from "../../src/request-body.js";
import { defaultBodyLimit } from "../../src/response.js";
import { alternatives, type ErrorBody, errorFrom, sizeInWords } from "../../src/server-errors.js";
import type { Route } from "../../src/types.js";
import { validate } from "../../src/validation.js";
import { incomingOf, type KhorosCall } from "./khoros-call.js";

export type RequestVerdict =
  /** No operation of the spec has this path (404), or this method on it (405). */
  | { kind: "unrouted"; status: 404 | 405; allowed: string[] }
  /** The spec refuses it: the answer a CRM built on it gives, and where in the spec the rules are. */
  | { kind: "refused"; route: Route; status: number; error: ErrorBody; rules: string[] }
  | { kind: "valid"; route: Route };

const negotiate = createNegotiation();
const maxRules = 3;

/** Where in the operation's body schema each violated rule is (from its generated validator). */
function rulesOf(route: Route, body: unknown): string[] {
  if (body === undefined || !route.body || route.body.validate(body)) return [];
  const rules = (route.body.validate.errors ?? []).map((e) => `body${e.instancePath} ${e.schemaPath ?? e.keyword}`);
  return [...new Set(rules)].slice(0, maxRules);
}

/** The spec's verdict on the call, reached by the steps the server takes before calling a handler. */
export async function judgeRequest(call: KhorosCall): Promise<RequestVerdict> {
  if (!call.match.found) {
    const allowed = "allowed" in call.match ? call.match.allowed : [];
    return { kind: "unrouted", status: call.match.status, allowed };
  }
  const { route, pathValues } = call.match;
  const refused = (status: number, error: ErrorBody, rules: string[] = []): RequestVerdict => ({
    kind: "refused",
    route,
    status,
    error,
    rules,
  });
  const request = incomingOf(call);
  const offered = [...new Set(Object.values(route.responses).flatMap((response) => response.mediaTypes))];
  if (offered.length > 0 && !negotiate(request.header("accept"), offered))
    return refused(406, errorFrom(errorCatalogue, "notAcceptable", { mediaTypes: alternatives(offered) }));
  let body: Record<string, unknown> | undefined;
  if (route.body && (request.hasBody || route.body.required)) {
    const read = await readJsonObject(request, defaultBodyLimit);
    if (!read.ok && read.situation !== "aborted") {
      const values = { limit: sizeInWords(defaultBodyLimit), depth: String(maxBodyDepth) };
      return refused(read.status, errorFrom(errorCatalogue, read.situation, values));
    }
    if (read.ok) body = read.value;
  }
  const checked = validate(route, request, pathValues, body, errorCatalogue);
  if (!checked.valid) return refused(checked.status, checked.body, rulesOf(route, body));
  return { kind: "valid", route };
}
