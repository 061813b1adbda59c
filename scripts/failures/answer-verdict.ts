// Does the CRM's answer to the call sent again conform? verify's judges hold it to the operation's documented
// statuses, media types and schemas (the error code in its enum); then to what the request deserves: the
// spec's own refusal for a request it refuses, and for a valid one neither a 5xx nor a refusal of its form.
import { createNegotiation } from "../../src/negotiation.js";
import type { Answer } from "../verify/check.js";
import { documented, hasCode } from "../verify/judges.js";
import { model } from "../verify/spec-facts.js";
import { type Diagnosis, formRefusals } from "./diagnosis.js";

const negotiate = createNegotiation();

/** What is wrong with the answer (nothing when it conforms); a call no operation has is held to nothing. */
export function judgeAnswer({ call, request }: Diagnosis, answer: Answer): string[] {
  if (request.kind === "unrouted") return [];
  const { route } = request;
  const op = model.operation(route.operationId);
  const offered = route.responses[answer.status]?.mediaTypes ?? [];
  const mediaType = negotiate(call.headers.accept, offered) ?? offered[0];
  const problems = documented(
    op,
    op.responses.map((response) => response.status),
    mediaType,
  )(answer);
  if (problems.length > 0) return problems;
  const message = (answer.json as { message?: unknown } | undefined)?.message;
  const said = typeof message === "string" ? ` ("${message}")` : "";
  if (request.kind === "refused") {
    if (answer.status !== request.status)
      return [`${op.operationId} answered ${answer.status}; the spec refuses this request with ${request.status}`];
    return answer.json === undefined ? [] : hasCode(op, answer, request.error.error);
  }
  const { operationId } = op;
  if (answer.status >= 500) {
    const own = "a request the spec accepts: a failure of the CRM's own";
    return [`${operationId} answered ${answer.status} to ${own}${said}`];
  }
  if (formRefusals.includes(answer.status)) {
    const stricter = "a request the spec accepts: the CRM is stricter than the spec";
    return [`${operationId} refused with ${answer.status} ${stricter}${said}`];
  }
  return [];
}
