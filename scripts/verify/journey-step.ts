// One step of the agent's journey as a check (family "journey"): its documented status and schema first,
// then what the contract's semantics say of its body, given what the steps before it kept. Against a
// server that keeps nothing (--stateless), the steps still run, held to a documented success only.
import type { OperationModel } from "../shared/spec-model.js";
import { call, type CallOptions } from "./calls.js";
import { type Answer, type Check, idOf, type Severity, type World } from "./check.js";
import { documented } from "./judges.js";
import { model, type OperationId, successStatuses } from "./spec-facts.js";

export type Json = Record<string, any>;

export interface Step {
  rule: string;
  statuses: number[];
  writes?: boolean;
  severity?: Severity;
  /** The name the answer's body is kept under, for the steps after it. */
  keep?: string;
  /** The call's changes to a valid call, or why it cannot be made (a record of an earlier step missing). */
  options(world: World): CallOptions | string;
  /** What is wrong with the answer's body, given what the steps before it kept. */
  judge(body: any, world: World): string[];
}

export function step(operationId: OperationId, s: Step): Check {
  const op: OperationModel = model.operation(operationId);
  return {
    operationId,
    rule: s.rule,
    severity: s.severity ?? "fail",
    family: "journey",
    writes: s.writes,
    request: (world) => {
      const options = s.options(world);
      return typeof options === "string" ? options : call(op, world, { accept: "application/json", ...options });
    },
    judge: (answer: Answer, world) => {
      if (s.keep && answer.status < 300) world.kept.set(s.keep, answer.json);
      // A server that keeps nothing (a mock) is held to a documented success and its schema only.
      if (world.stateless) return documented(op, successStatuses(op))(answer);
      const problems = documented(op, s.statuses)(answer);
      return problems.length > 0
        ? problems
        : s.judge(answer.json, world).map((problem) => `${operationId}: ${problem}`);
    },
  };
}

/** A record an earlier step kept, or why the step cannot run. */
export const kept = (world: World, name: string) =>
  (world.kept.get(name) as Json | undefined) ?? `no ${name}: an earlier step did not pass`;
export const ids = (list: unknown) => (Array.isArray(list) ? list.map(idOf) : []);
export const expectThat = (ok: boolean, problem: string) => (ok ? [] : [problem]);

/** The fields of `expected` that `actual` does not hold as expected. */
export const differing = (actual: Json | undefined, expected: Json) =>
  Object.entries(expected)
    .filter(([name, value]) => actual?.[name] !== value)
    .map(([name, value]) => `${name} is ${JSON.stringify(actual?.[name])}, not ${JSON.stringify(value)}`);

/** The serviceIds of a case's interactions, in order. */
export const serviceIds = (crmCase: Json | undefined) =>
  (crmCase?.interactions as Json[] | undefined)?.map((i) => i.serviceId).join(",") ?? "none";

/** Options naming the kept record in the path, with a body if given; or why it cannot. */
export function withPath(world: World, name: string, body?: Json): CallOptions | string {
  const id = idOf(world.kept.get(name));
  return id === undefined ? `no ${name}: an earlier call did not pass` : { pathValue: id, ...(body ? { body } : {}) };
}
