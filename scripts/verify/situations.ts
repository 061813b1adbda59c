// A situation provoked in an operation (a valid call changed in one way), as checks: the answer in JSON,
// judged against the documented status, media type and schema, then by the situation's own judges; and,
// where asked and documented, the same request in text/plain, its text the JSON answer's `x-text-from`.
import type { OperationModel } from "../shared/spec-model.js";
import { call, type CallOptions } from "./calls.js";
import type { Answer, Check, Severity, VerifyRequest, World } from "./check.js";
import { documented, sameAsJsonTwin } from "./judges.js";
import { keyHeaderOf, mediaTypesOf, severityOf } from "./spec-facts.js";

export interface Provoked {
  rule: string;
  statuses: number[];
  options: CallOptions | ((world: World) => CallOptions);
  /** Extra judges of the JSON answer (its code, the field it names). */
  judge?: (answer: Answer) => string[];
  severity?: Severity;
  /** Also asked for in text/plain, compared with the JSON answer's `x-text-from`. */
  text?: boolean;
  needsState?: boolean;
  writes?: boolean;
}

/** The request of a provoked situation, the key header dropped when `withoutKey`. */
function provoke(op: OperationModel, world: World, options: CallOptions, withoutKey = false): VerifyRequest | string {
  const request = call(op, world, options);
  if (typeof request === "string" || !withoutKey) return request;
  const keyHeader = keyHeaderOf(op)!;
  return {
    ...request,
    headers: Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== keyHeader)),
  };
}

/** One situation as checks: in JSON, and (when asked and documented) in text/plain. */
export function checksOf(op: OperationModel, p: Provoked, withoutKey = false): Check[] {
  const twinKey = `json twin: ${op.operationId} ${p.rule}`;
  const severity = p.severity ?? severityOf(op, p.statuses[0]!);
  const base = {
    operationId: op.operationId,
    family: "spec" as const,
    severity,
    needsState: p.needsState,
    writes: p.writes,
  };
  const options = (world: World) => (typeof p.options === "function" ? p.options(world) : p.options);
  const json: Check = {
    ...base,
    rule: p.rule,
    request: (world) => provoke(op, world, { accept: "application/json", ...options(world) }, withoutKey),
    judge: (answer, world) => {
      world.kept.set(twinKey, answer);
      const problems = documented(op, p.statuses)(answer);
      return problems.length > 0 || !p.judge ? problems : p.judge(answer);
    },
  };
  const offersText = p.statuses.some((status) => mediaTypesOf(op, status).includes("text/plain"));
  if (!p.text || !offersText) return [json];
  const text: Check = {
    ...base,
    // A mock answers a refusal from its JSON example, whatever the Accept: the text of an error needs a server.
    needsState: p.needsState || p.statuses.every((status) => status >= 400),
    rule: `${p.rule}, in text/plain`,
    request: (world) => provoke(op, world, { ...options(world), accept: "text/plain" }, withoutKey),
    judge: (answer, world) => {
      const problems = documented(op, p.statuses, "text/plain")(answer);
      return problems.length > 0 || p.writes
        ? problems
        : sameAsJsonTwin(op, answer, world.kept.get(twinKey) as Answer | undefined);
    },
  };
  return [json, text];
}

export const documents = (op: OperationModel, status: number) => op.responses.some((r) => r.status === status);
