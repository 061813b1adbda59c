// The report on the terminal: one line per check, grouped by operation; under a failure or a warning, the
// rule at fault, the curl that replays it and what came back; then what the run created, and the verdict.
import type { Outcome, Verdict } from "./check.js";
import type { VerifyRun } from "./runner.js";
import { byOperation, createdLines, evidenceOf, modeOf, verdictLine } from "./summary.js";

const marks: Record<Verdict, string> = { pass: "✓", fail: "✗", warn: "!", skip: "-" };

function outcomeLines(outcome: Outcome, key: string): string[] {
  const family = outcome.check.family === "spec" ? "" : ` [${outcome.check.family}]`;
  const head = `  ${marks[outcome.verdict]} ${outcome.check.rule}${family}`;
  if (outcome.verdict === "pass") return [head];
  if (outcome.verdict === "skip") return [`${head} (${outcome.problems[0]})`];
  const { curl, got } = evidenceOf(outcome, key);
  const label = outcome.verdict === "warn" ? "warning, a kit addition" : "fails";
  return [
    `${head} (${label})`,
    ...outcome.problems.map((p) => `      rule: ${p}`),
    `      sent: ${curl}`,
    `      got:  ${got}`,
  ];
}

export function textReport(run: VerifyRun, key: string): string[] {
  const lines = [`verify ${run.url} · prefix ${run.prefix} · ${modeOf(run)}`, ""];
  for (const [operationId, outcomes] of byOperation(run))
    lines.push(operationId, ...outcomes.flatMap((o) => outcomeLines(o, key)));
  if (run.outcomes.some((o) => o.verdict === "fail" || o.verdict === "warn")) {
    lines.push("", "To replay a request: export CRM_URL='<the instanceUrl>' CRM_KEY='<the key>'");
  }
  const created = createdLines(run);
  lines.push(
    "",
    created.length > 0 ? `Created (every name starts with ${run.prefix}):` : "Created nothing.",
    ...created.map((l) => `  ${l}`),
  );
  lines.push("", verdictLine(run));
  return lines;
}
