// verify (scripts/verify/) against servers that keep the contract: the reference CRM on each store passes
// every check with no warning and nothing skipped; the Prism mock is found to keep no state and passes the
// rest; --read-only writes nothing. The time of one run against the local reference CRM is printed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PostgresCrmStore } from "../reference-crm/stores/postgres.js";
import { SqliteCrmStore } from "../reference-crm/stores/sqlite.js";
import { MemoryCrmStore } from "../reference-crm/stores/memory.js";
import type { CrmStore } from "../reference-crm/stores/store.js";
import { startMock } from "../scripts/contract/mock.js";
import type { Outcome } from "../scripts/verify/check.js";
import { verify, type VerifyRun } from "../scripts/verify/runner.js";
import { createScratchDatabase, postgresAvailable, type ScratchDatabase } from "./support/postgres.js";
import { apiKeys, startCrmServer } from "./support/server.js";

const notPassed = (outcomes: Outcome[]) =>
  outcomes
    .filter((o) => o.verdict !== "pass")
    .map((o) => `${o.check.operationId} · ${o.check.rule}: ${o.problems.join("; ")}`);
const families = (run: VerifyRun) => [...new Set(run.outcomes.map((o) => o.check.family))];

/** verify against the whole reference CRM on `store`; every check must pass, none warn or skip. */
async function passesOn(store: CrmStore, label: string): Promise<VerifyRun> {
  const crm = await startCrmServer(store);
  try {
    const run = await verify({ url: crm.url, key: apiKeys.primary });
    console.log(
      `verify against the reference CRM on ${label}: ${run.outcomes.length} checks in ${(run.ms / 1000).toFixed(2)} s`,
    );
    expect(notPassed(run.outcomes)).toEqual([]);
    expect(run.stateless).toBe(false);
    expect(families(run)).toEqual(["journey", "spec", "tolerance"]);
    return run;
  } finally {
    await crm.close();
  }
}

describe("verify against the reference CRM", () => {
  const cleanup: (() => unknown)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it("on memory: every check passes, none warns or skips; what it made is listed, named with its prefix", async () => {
    const store = new MemoryCrmStore();
    const run = await passesOn(store, "memory");
    expect(run.outcomes.length).toBeGreaterThan(150);
    const customers = run.created["/customer"] ?? [];
    expect(customers.length).toBeGreaterThanOrEqual(3);
    for (const id of customers) {
      const stored = await store.getCustomer(id);
      expect(
        Object.values(stored!).some((value) => String(value).startsWith(run.prefix)),
        JSON.stringify(stored),
      ).toBe(true);
    }
    for (const id of run.created["/case"] ?? [])
      expect((await store.getCase(id))!.title).toMatch(new RegExp(`^${run.prefix}`));
  });

  it("on SQLite", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "crm-verify-"));
    const store = SqliteCrmStore.open(dataDir);
    cleanup.push(
      () => rmSync(dataDir, { recursive: true, force: true }),
      () => store.close(),
    );
    await passesOn(store, "SQLite");
  });

  it.skipIf(!postgresAvailable)("on PostgreSQL", async () => {
    const database: ScratchDatabase = await createScratchDatabase();
    const store = await PostgresCrmStore.open(database.config);
    cleanup.push(
      () => database.drop(),
      () => store.close(),
    );
    await passesOn(store, "PostgreSQL");
  });

  it("--read-only: no write reaches the store; reads and refusals still run", async () => {
    class CountingStore extends MemoryCrmStore {
      writes = 0;
      override createCustomer(...args: Parameters<MemoryCrmStore["createCustomer"]>) {
        this.writes++;
        return super.createCustomer(...args);
      }
      override createCase(...args: Parameters<MemoryCrmStore["createCase"]>) {
        this.writes++;
        return super.createCase(...args);
      }
    }
    const store = new CountingStore();
    const crm = await startCrmServer(store);
    try {
      const run = await verify({ url: crm.url, key: apiKeys.primary, readOnly: true });
      expect(store.writes).toBe(0);
      expect(run.created).toEqual({});
      expect(run.outcomes.filter((o) => o.check.writes).every((o) => o.verdict === "skip")).toBe(true);
      expect(run.outcomes.filter((o) => o.verdict === "pass").length).toBeGreaterThan(60);
      expect(run.outcomes.filter((o) => o.verdict === "fail" || o.verdict === "warn")).toEqual([]);
    } finally {
      await crm.close();
    }
  });
});

describe("verify against the Prism mock", () => {
  it("is found to keep no state (it answers examples), and passes every check a stateless server can", async () => {
    const mock = await startMock();
    try {
      const run = await verify({ url: mock.url, key: "any-key" });
      expect(run.statelessDetected).toBe(true);
      expect(notPassed(run.outcomes.filter((o) => o.verdict !== "skip"))).toEqual([]);
      expect(run.outcomes.filter((o) => o.verdict === "pass").length).toBeGreaterThan(40);
      expect(run.outcomes.filter((o) => o.verdict === "skip").every((o) => o.check.needsState)).toBe(true);
    } finally {
      await mock.stop();
    }
  });
});
