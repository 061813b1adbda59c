// Runs the checks one after another against a server, in the order an agent would meet them (the journey,
// then what the spec derives, then Khoros's tolerance), skipping what the run's mode excludes, and
// records what the server created. Unreachable when the server gives no HTTP answer to the first request.
import { randomBytes } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { OperationModel } from "../shared/spec-model.js";
import { call, unknownValue } from "./calls.js";
import type { Answer, Check, Family, Outcome, World } from "./check.js";
import { NoAnswer, send } from "./http.js";
import { journeyChecks } from "./journey.js";
import { model, operations, pathParameterOf, writes } from "./spec-facts.js";
import { specChecks } from "./spec-checks.js";
import { toleranceChecks } from "./tolerance-checks.js";

export const families: Family[] = ["journey", "spec", "tolerance"];

export interface VerifyOptions {
  /** The CRM's instanceUrl. */
  url: string;
  /** The authHeaderValue it accepts. */
  key: string;
  prefix?: string;
  readOnly?: boolean;
  /** Skip the checks that need state; undefined: decided by asking the server (a mock answers examples). */
  stateless?: boolean;
  families?: Family[];
  timeoutMs?: number;
  onProgress?: (done: number, total: number, check: Check) => void;
}

export interface VerifyRun {
  url: string;
  prefix: string;
  readOnly: boolean;
  stateless: boolean;
  /** True when stateless was not asked for but found: the server answered the spec's examples. */
  statelessDetected: boolean;
  outcomes: Outcome[];
  /** The ids of what the run created, by the path of the operation that created them. */
  created: Record<string, string[]>;
  world: World;
  ms: number;
}

export class Unreachable extends Error {}

export const newPrefix = () => `verify-${randomBytes(3).toString("hex")}`;

/** The first operation that reads a record by id and documents a 404: the probe of a server. */
const probeOperation = (): OperationModel =>
  operations.find((op) => op.method === "GET" && pathParameterOf(op)?.createdAt && model.response(op, 404))!;

/** True when the answer is one of the spec's examples for its status: a mock, not a CRM that keeps records. */
function answersExamples(op: OperationModel, answer: Answer): boolean {
  const examples = model.response(op, answer.status)?.content["application/json"]?.examples ?? {};
  return (
    answer.status < 300 &&
    Object.values(examples).some((example) => isDeepStrictEqual(model.example(example), answer.json))
  );
}

/** Asks for a record that does not exist: no answer means unreachable; an example for an answer, a mock. */
async function probe(url: string, world: World, timeoutMs: number): Promise<boolean> {
  const op = probeOperation();
  const request = call(op, world, { pathValue: unknownValue(op, world) }) as Exclude<ReturnType<typeof call>, string>;
  try {
    return answersExamples(op, await send(url, request, timeoutMs));
  } catch (error) {
    throw error instanceof NoAnswer ? new Unreachable(error.message) : error;
  }
}

function checksOf(selected: Family[]): Check[] {
  const all: Record<Family, () => Check[]> = { journey: journeyChecks, spec: specChecks, tolerance: toleranceChecks };
  return families.filter((family) => selected.includes(family)).flatMap((family) => all[family]());
}

/** Why the run's mode skips the check, if it does. */
function skipped(check: Check, world: World): string | undefined {
  if (world.readOnly && check.writes) return "skipped: --read-only makes no writes";
  if (world.stateless && check.needsState) return "skipped: the server keeps no state (--stateless)";
  return undefined;
}

/** Keeps a record the server says it created (a 201 to a POST that writes), for later checks and the list. */
function recordCreated(world: World, check: Check, answer: Answer) {
  const op = operations.find((o) => o.operationId === check.operationId);
  const id = (answer.json as { id?: unknown } | undefined)?.id;
  if (!op || op.method !== "POST" || !writes(op) || answer.status !== 201 || typeof id !== "string") return;
  const made = world.made.get(op.path) ?? [];
  world.made.set(op.path, [...made, answer.json as Record<string, unknown>]);
}

/** A check that verify itself could not run (a bug of verify's, not the server's) fails, saying so. */
async function runCheck(url: string, check: Check, world: World, timeoutMs: number): Promise<Outcome> {
  try {
    return await runCheckOnce(url, check, world, timeoutMs);
  } catch (error) {
    const reason = (error as Error).message;
    const problem = `${check.operationId}: verify could not run this check (${reason}); please report it`;
    return { check, verdict: check.severity, problems: [problem], ms: 0 };
  }
}

async function runCheckOnce(url: string, check: Check, world: World, timeoutMs: number): Promise<Outcome> {
  const reason = skipped(check, world);
  const request = reason ?? check.request(world);
  if (typeof request === "string")
    return {
      check,
      verdict: "skip",
      problems: [request.startsWith("skipped") ? request : `skipped: ${request}`],
      ms: 0,
    };
  const started = performance.now();
  try {
    const answer = await send(url, request, timeoutMs);
    const problems = check.judge(answer, world);
    recordCreated(world, check, answer);
    return {
      check,
      verdict: problems.length === 0 ? "pass" : check.severity,
      problems,
      request,
      answer,
      ms: performance.now() - started,
    };
  } catch (error) {
    if (!(error instanceof NoAnswer)) throw error;
    const problem = `${check.operationId}: no answer (${error.message})`;
    return {
      check,
      verdict: check.severity,
      problems: [problem],
      request,
      transportError: error.message,
      ms: performance.now() - started,
    };
  }
}

export async function verify(options: VerifyOptions): Promise<VerifyRun> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? 10_000;
  const world: World = {
    key: options.key,
    prefix: options.prefix ?? newPrefix(),
    readOnly: options.readOnly ?? false,
    stateless: options.stateless ?? false,
    made: new Map(),
    kept: new Map(),
  };
  const detected = await probe(options.url, world, timeoutMs);
  const stateless = options.stateless ?? detected;
  Object.assign(world, { stateless });
  const checks = checksOf(options.families ?? families);
  const outcomes: Outcome[] = [];
  for (const [n, check] of checks.entries()) {
    options.onProgress?.(n, checks.length, check);
    outcomes.push(await runCheck(options.url, check, world, timeoutMs));
  }
  const created = Object.fromEntries(
    [...world.made].map(([path, records]) => [path, records.map((r) => String(r.id))]),
  );
  const statelessDetected = options.stateless === undefined && detected;
  return {
    url: options.url,
    prefix: world.prefix,
    readOnly: world.readOnly,
    stateless,
    statelessDetected,
    outcomes,
    created,
    world,
    ms: performance.now() - started,
  };
}
