// The tolerance calls (./tolerance.ts) as verify's checks: each held to the status the contract gives it,
// then to what a server keeping state must show for it; a server that keeps nothing (a mock) to a
// documented success. Each answer is kept in the world under its rule, for the checks after it and the tests.
import type { Check } from "./check.js";
import { call } from "./calls.js";
import { all, documented, hasCode, namesField } from "./judges.js";
import { model, successStatuses } from "./spec-facts.js";
import { refusedCalls, type ToleranceCall, toleranceCalls } from "./tolerance.js";

function toleranceCheck(t: ToleranceCall, errorJudge?: (answer: Parameters<Check["judge"]>[0]) => string[]): Check {
  const op = model.operation(t.operationId);
  return {
    operationId: t.operationId,
    rule: t.rule,
    severity: "fail",
    family: "tolerance",
    writes: t.writes,
    needsState: t.needsState ?? t.status >= 400, // a refusal needs a server that applies the contract's rules
    request: (world) => {
      const options = t.options(world);
      return typeof options === "string" ? options : call(op, world, { accept: "application/json", ...options });
    },
    judge: (answer, world) => {
      if (answer.status < 300) world.kept.set(t.rule, answer.json);
      // A server that keeps nothing (a mock) may answer any documented success, from its examples.
      const problems = documented(op, world.stateless && t.status < 300 ? successStatuses(op) : [t.status])(answer);
      if (problems.length > 0 || world.stateless) return problems;
      return [
        ...(errorJudge?.(answer) ?? []),
        ...(t.judge?.(answer.json, world) ?? []).map((p) => `${op.operationId}: ${p}`),
      ];
    },
  };
}

/** The tolerance calls and the refusals, as verify's checks. */
export function toleranceChecks(): Check[] {
  return [
    ...toleranceCalls.map((t) => toleranceCheck(t)),
    ...refusedCalls.map((t) => {
      const op = model.operation(t.operationId);
      return toleranceCheck(t, (answer) =>
        all(hasCode(op, answer, t.code), ...t.names.map((name) => namesField(op, answer, name))),
      );
    }),
  ];
}
