// The agent's journey, as Khoros plays it, against the reference CRM (stateful): first as the Arazzo
// workflow in spec/workflows/, run by the field's own tool (`redocly respect`), then through the generated
// client (scripts/contract/play-khoros.ts), which also plays it against the Prism mock.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../generated/client.js";
import { startMock } from "../scripts/contract/mock.js";
import { playKhoros } from "../scripts/contract/play-khoros.js";
import { packageBin } from "../scripts/shared/package-bin.js";
import { projectRoot } from "../scripts/shared/paths.js";
import { type StartedServer, startServerScript } from "../scripts/shared/server-script.js";

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

  it("passes through the generated client against the reference CRM, every step checked against what came before", async () => {
    const steps = await playKhoros(createClient({ baseUrl: crm.url, apiKey }), true);
    expect(steps.map((step) => step.operationId)).toEqual([
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
      "defineObjectStructures",
    ]);
    expect(steps.filter((step) => step.problems.length > 0)).toEqual([]);
  });

  it("gets the documented status and body at every step from the Prism mock, which keeps no state (the state checks fail there)", async () => {
    const mock = await startMock();
    try {
      const client = createClient({ baseUrl: mock.url, apiKey });
      expect((await playKhoros(client, false)).filter((step) => step.problems.length > 0)).toEqual([]);
      expect((await playKhoros(client, true)).filter((step) => step.problems.length > 0).length).toBeGreaterThan(0);
    } finally {
      await mock.stop();
    }
  });
});
