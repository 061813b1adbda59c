// The agent's journey, as Khoros plays it, against the reference CRM (stateful): first as the Arazzo
// workflow in spec/workflows/, run by the field's own tool (`redocly respect`), then as verify's journey
// (scripts/verify/, what `npm run play-khoros` runs), which also plays it against the Prism mock.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMock } from "../scripts/contract/mock.js";
import { packageBin } from "../scripts/shared/package-bin.js";
import { projectRoot } from "../scripts/shared/paths.js";
import { type StartedServer, startServerScript } from "../scripts/shared/server-script.js";
import { verify } from "../scripts/verify/runner.js";

const apiKey = "journey-key";
let crm: StartedServer;

beforeAll(async () => {
  crm = await startServerScript("reference-crm/main.ts", { API_KEY: apiKey, STORE: "memory" });
});
afterAll(() => crm?.process.stop());

describe("the agent's journey", () => {
  it("passes as the Arazzo workflow, run by redocly respect against the reference CRM", async () => {
    const args = ["respect", join(projectRoot, "spec/workflows/agent-journey.arazzo.yaml"), "--input", `key=${apiKey}`];
    args.push("--input", `screenName=@journey_${randomBytes(4).toString("hex")}`, "--server", `crm=${crm.url}`);
    const run = await promisify(execFile)(process.execPath, [packageBin("@redocly/cli", "redocly"), ...args], {
      cwd: projectRoot,
      env: { ...process.env, REDOCLY_TELEMETRY: "off", NO_COLOR: "1" },
    }).catch((error: { stdout: string; code: number }) => error);
    expect(run.stdout).toMatch(/Steps: 9 passed, 9 total/);
    expect(run.stdout).toMatch(/Workflows: 1 passed, 1 total/);
    expect("code" in run ? run.code : 0).toBe(0);
  });

  it("passes as verify's journey against the reference CRM, every step checked against what came before", async () => {
    const run = await verify({ url: crm.url, key: apiKey, families: ["journey"] });
    expect(run.stateless).toBe(false);
    expect([...new Set(run.outcomes.map((o) => o.check.operationId))]).toEqual([
      "bestmatchCustomers",
      "createCustomer",
      "searchCustomers",
      "findCustomer",
      "updateCustomer",
      "createCase",
      "findCases",
      "lookupCase",
      "updateCase",
      "defineObjectStructures",
    ]);
    expect(run.outcomes.filter((o) => o.verdict !== "pass").map((o) => [o.check.rule, o.problems])).toEqual([]);
  });

  it("gets a documented status and body at each step from the Prism mock, found stateless", async () => {
    const mock = await startMock();
    try {
      const stateless = await verify({ url: mock.url, key: apiKey, families: ["journey"] });
      expect(stateless.statelessDetected).toBe(true);
      expect(stateless.outcomes.filter((o) => o.verdict !== "pass").map((o) => [o.check.rule, o.problems])).toEqual([]);
      const heldToState = await verify({ url: mock.url, key: apiKey, families: ["journey"], stateless: false });
      expect(heldToState.outcomes.filter((o) => o.verdict === "fail").length).toBeGreaterThan(0);
    } finally {
      await mock.stop();
    }
  });
});
