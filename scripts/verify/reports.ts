// The machine-readable reports: JUnit XML (one test case per check, grouped in a suite per operation,
// built with junit-report-builder) for CI, and JSON with every check's request and answer. The key never
// appears: a header holding it is written as $CRM_KEY.
import junitModule, { type Builder } from "junit-report-builder";
import type { Outcome, VerifyRequest } from "./check.js";
import type { VerifyRun } from "./runner.js";
import { byOperation, countsOf, createdLines, evidenceOf, modeOf, verdictLine } from "./summary.js";

// A CommonJS module whose module.exports is the builder, typed as an ES module with a default export.
const junit = ("newBuilder" in junitModule ? junitModule : (junitModule as { default: Builder }).default) as Builder;

const maxBody = 4096;
/** A body as the JSON report keeps it: whole up to 4 KiB, then cut, its length said. */
function cut(text: string): string {
  return text.length > maxBody ? `${text.slice(0, maxBody)}… (${text.length} characters)` : text;
}

export function junitReport(run: VerifyRun, key: string): string {
  const builder = junit.newBuilder().name(`verify ${run.url}`);
  for (const [operationId, outcomes] of byOperation(run)) {
    const suite = builder.testSuite().name(operationId);
    for (const outcome of outcomes) {
      const test = suite
        .testCase()
        .className(`verify.${outcome.check.family}.${operationId}`)
        .name(outcome.check.rule)
        .time(outcome.ms / 1000);
      const { curl, got } = evidenceOf(outcome, key);
      const evidence = [...outcome.problems, `sent: ${curl}`, `got: ${got}`].join("\n");
      if (outcome.verdict === "fail") test.failure(outcome.problems.join("; "), "contract").standardOutput(evidence);
      else if (outcome.verdict === "skip") test.skipped().standardOutput(outcome.problems.join("\n"));
      else if (outcome.verdict === "warn")
        test.standardOutput(`WARNING (a kit addition, not the vendor's rule):\n${evidence}`);
    }
  }
  return builder.build();
}

const masked = (request: VerifyRequest, key: string): VerifyRequest => ({
  ...request,
  headers: Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name, value === key ? "$CRM_KEY" : value]),
  ),
  ...(request.body === undefined ? {} : { body: cut(request.body) }),
});

function outcomeJson(outcome: Outcome, key: string) {
  const { check } = outcome;
  return {
    operationId: check.operationId,
    family: check.family,
    rule: check.rule,
    severity: check.severity,
    verdict: outcome.verdict,
    problems: outcome.problems,
    ms: Math.round(outcome.ms * 10) / 10,
    ...(outcome.request ? { request: masked(outcome.request, key), curl: evidenceOf(outcome, key).curl } : {}),
    ...(outcome.answer
      ? {
          answer: {
            status: outcome.answer.status,
            mediaType: outcome.answer.mediaType,
            headers: outcome.answer.headers,
            body: cut(outcome.answer.text),
          },
        }
      : {}),
    ...(outcome.transportError ? { transportError: outcome.transportError } : {}),
  };
}

export function jsonReport(run: VerifyRun, key: string) {
  return {
    url: run.url,
    prefix: run.prefix,
    mode: modeOf(run),
    readOnly: run.readOnly,
    stateless: run.stateless,
    seconds: Math.round(run.ms) / 1000,
    verdict: verdictLine(run),
    counts: countsOf(run),
    created: run.created,
    createdLines: createdLines(run),
    checks: run.outcomes.map((outcome) => outcomeJson(outcome, key)),
  };
}
