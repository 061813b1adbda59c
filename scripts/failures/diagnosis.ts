// Who broke the contract, from the event alone: was Khoros's request valid by the spec (if not, the spec is
// stricter than Khoros: the finding that matters most), and was the CRM's answer one the operation documents.
import type { FailureEvent } from "../../reference-crm/events/event.js";
import type { Route } from "../../src/types.js";
import { errorCodesOf, model } from "../verify/spec-facts.js";
import { khorosCall, type KhorosCall } from "./khoros-call.js";
import { judgeRequest, type RequestVerdict } from "./request-verdict.js";

export interface Diagnosis {
  call: KhorosCall;
  request: RequestVerdict;
  /** The spec refuses what Khoros sent, or has no operation for it. */
  specStricter: boolean;
  /** What the request was, in words. */
  requestWords: string;
  /** What the CRM answered then, in words. */
  answerWords: string;
  /** Caveats about what the event does not tell. */
  notes: string[];
}

/** A request valid by the spec deserves none of these: they refuse a request's form, which was right. */
export const formRefusals = [400, 406, 413];

/** `createCase (POST /case)`. */
export const operationName = (route: Route) => `${route.operationId} (${route.method} ${route.path})`;

function requestWords(call: KhorosCall, verdict: RequestVerdict): string {
  if (verdict.kind === "valid") return "Khoros's request is valid by the spec";
  if (verdict.kind === "refused") {
    const rules = verdict.rules.length > 0 ? ` (rule: ${verdict.rules.join("; ")})` : "";
    return (
      `the spec is stricter than Khoros: ${operationName(verdict.route)} refuses this request with ` +
      `${verdict.status} ${verdict.error.error}: ${verdict.error.message}${rules}`
    );
  }
  if (verdict.status === 405) {
    const only = verdict.allowed.join(", ");
    return `the spec is stricter than Khoros: it has ${call.uriPath} but not ${call.method} on it (only ${only})`;
  }
  return `the spec is stricter than Khoros: no operation of the spec is at ${call.method} ${call.uriPath}`;
}

/** The documented error codes of a status, in words. */
function codesOf(route: Route, status: number): string {
  const codes = errorCodesOf(model.operation(route.operationId), status);
  return codes.length > 0 ? ` as ${codes.join(" or ")}` : "";
}

function answerWords(event: FailureEvent, verdict: RequestVerdict): string {
  const code = event.externalCall.responseCode;
  if (code === undefined) return "Khoros got no answer from the CRM (no response code)";
  if (verdict.kind === "unrouted") return `the CRM answered ${code}`;
  const { route } = verdict;
  if (code === 401) {
    const sent = route.apiKeyHeaders.map((header) => event.externalCall.requestHeaders[header]?.[0]).find(Boolean);
    return (
      `the CRM refused the key Khoros sent (401${sent ? `, key ${sent}` : ""}): ` +
      "the authHeaderValue registered in Khoros is not one the CRM accepts"
    );
  }
  if (!route.responses[code]) return `the CRM answered ${code}, which ${route.operationId} does not document`;
  if (verdict.kind === "refused")
    return `the CRM answered ${code}${code === verdict.status ? ", as the spec does" : `, the spec ${verdict.status}`}`;
  const documented = `the CRM answered ${code}, which ${route.operationId} documents${codesOf(route, code)}`;
  if (code >= 500) return `${documented}: a failure of the CRM's own`;
  if (code < 300) return `${documented}: Khoros could not use the answer (replay to see its body)`;
  if (formRefusals.includes(code))
    return `${documented}, refusing a request the spec accepts: the CRM is stricter than the spec`;
  return documented;
}

/** The event's call judged by the spec, and what the CRM answered then. */
export async function diagnose(event: FailureEvent): Promise<Diagnosis> {
  const call = khorosCall(event.externalCall);
  const request = await judgeRequest(call);
  const notes = call.headersUnknown ? ["the event lists no request headers: the body was read as JSON"] : [];
  return {
    call,
    request,
    specStricter: request.kind !== "valid",
    requestWords: requestWords(call, request),
    answerWords: answerWords(event, request),
    notes,
  };
}

/** The diagnosis in one line. */
export const summary = (diagnosis: Diagnosis) => `${diagnosis.requestWords}; ${diagnosis.answerWords}`;
