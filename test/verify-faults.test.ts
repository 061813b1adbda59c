// verify against CRMs with one seeded mistake each, of the kinds hand-built servers make: each must fail
// naming the rule it breaks (or, for a kit addition the server does not honour, only warn). The mistakes
// are in ./support/contract-mistakes.ts and ./support/kit-addition-mistakes.ts; the fixture
// (./support/faulty-crm.ts) is the reference CRM with a handler replaced or a proxy rewriting its traffic.
import { afterEach, describe, expect, it } from "vitest";
import type { Outcome } from "../scripts/verify/check.js";
import { verify } from "../scripts/verify/runner.js";
import { contractMistakes } from "./support/contract-mistakes.js";
import { type FaultyCrm, startFaultyCrm } from "./support/faulty-crm.js";
import { kitAdditionMistakes } from "./support/kit-addition-mistakes.js";
import { apiKeys } from "./support/server.js";

const seeded = [...contractMistakes, ...kitAdditionMistakes];

let crm: FaultyCrm | undefined;
afterEach(async () => {
  await crm?.close();
  crm = undefined;
});

const summary = (outcomes: Outcome[]) =>
  outcomes.map((o) => `${o.check.operationId} · ${o.check.rule}: ${o.problems.join("; ")}`);

describe("verify against a CRM with one seeded mistake", () => {
  it("knows at least ten kinds of mistake that fail, and some that only warn", () => {
    expect(seeded.filter((s) => !s.warnOnly).length).toBeGreaterThanOrEqual(10);
    expect(seeded.filter((s) => s.warnOnly).length).toBeGreaterThanOrEqual(2);
  });

  it.each(seeded)("$mistake", async ({ fault, expected, warnOnly }) => {
    crm = await startFaultyCrm(fault);
    const run = await verify({ url: crm.url, key: apiKeys.primary });
    const failed = run.outcomes.filter((o) => o.verdict === "fail");
    const named = run.outcomes.find(
      (o) => o.check.operationId === expected.operationId && o.check.rule.startsWith(expected.rule),
    );
    expect(named, `no check ${expected.rule} of ${expected.operationId}`).toBeDefined();
    expect(named!.verdict, summary([named!]).join()).toBe(warnOnly ? "warn" : "fail");
    expect(named!.problems.join("\n")).toMatch(expected.problem);
    if (warnOnly) expect(summary(failed)).toEqual([]);
  });
});
