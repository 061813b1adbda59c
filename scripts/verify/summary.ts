// What every report shares: the outcomes grouped by operation (in the spec's order, then what no operation
// matches), the counts, and each outcome's evidence (the curl that replays it, what came back).
import type { Outcome, Verdict } from "./check.js";
import { describeAnswer, toCurl } from "./http.js";
import type { VerifyRun } from "./runner.js";
import { operations } from "./spec-facts.js";

export type Counts = Record<Verdict, number> & { total: number };

export function countsOf(run: VerifyRun): Counts {
  const counts: Counts = { pass: 0, fail: 0, warn: 0, skip: 0, total: run.outcomes.length };
  for (const outcome of run.outcomes) counts[outcome.verdict]++;
  return counts;
}

/** The outcomes by operation, each group in the order the checks ran. */
export function byOperation(run: VerifyRun): [string, Outcome[]][] {
  const order = [...operations.map((op) => op.operationId), ...run.outcomes.map((o) => o.check.operationId)];
  const names = [...new Set(order)].filter((name) => run.outcomes.some((o) => o.check.operationId === name));
  return names.map((name) => [name, run.outcomes.filter((o) => o.check.operationId === name)]);
}

/** The run's mode in words. */
export function modeOf(run: VerifyRun): string {
  const mode = [
    run.readOnly ? "read-only" : "writes allowed",
    run.stateless ? `stateless${run.statelessDetected ? " (it answers the spec's examples: a mock)" : ""}` : "stateful",
  ];
  return mode.join(", ");
}

/** The sentence that ends a run. Without failures it never says "failed", so a log search finds real ones. */
export function verdictLine(run: VerifyRun): string {
  const c = countsOf(run);
  const rest = [c.warn ? `${c.warn} warning${c.warn === 1 ? "" : "s"}` : "", c.skip ? `${c.skip} skipped` : ""]
    .filter(Boolean)
    .join(", ");
  const seconds = (run.ms / 1000).toFixed(1);
  if (c.fail === 0) return `every check passed: ${c.pass} of ${c.total}${rest ? ` (${rest})` : ""}, in ${seconds} s`;
  return `${c.fail} of ${c.total} checks FAILED, ${c.pass} passed${rest ? `, ${rest}` : ""}, in ${seconds} s`;
}

export interface Evidence {
  curl?: string;
  got?: string;
}

/** The curl that replays the outcome's request (the key masked) and what came back. */
export function evidenceOf(outcome: Outcome, key: string): Evidence {
  if (!outcome.request) return {};
  const got = outcome.answer ? describeAnswer(outcome.answer) : `no answer (${outcome.transportError})`;
  return { curl: toCurl(outcome.request, key), got };
}

/** The ids the run created, one line per operation path. */
export const createdLines = (run: VerifyRun): string[] =>
  Object.entries(run.created).map(([path, ids]) => `POST ${path}: ${ids.join(" ")}`);
