// Khoros is never refused (contract 2.2.0): the calls Khoros may make that 2.1.0 refused, written once in
// verify's tolerance checks (scripts/verify/tolerance.ts), sent by verify to the reference CRM (on SQLite,
// as `npm start` runs it) and to the Prism mock of the bundled spec. Each gets its success status from both,
// and what the CRM stored reads back as the contract says: a null stored nowhere, a field never wiped by
// one, a case listed under its customer, an interaction kept with all Khoros sent.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteCrmStore } from "../reference-crm/stores/sqlite.js";
import { type RunningPrism, startMock } from "../scripts/contract/mock.js";
import { idOf } from "../scripts/verify/check.js";
import { verify, type VerifyRun } from "../scripts/verify/runner.js";
import { refusedCalls, toleranceCalls, tolerantInteraction } from "../scripts/verify/tolerance.js";
import { send } from "./support/operations.js";
import { apiKeys, type CrmTestServer, startCrmServer } from "./support/server.js";
import { notSearchableTwo, searchableOne, searchableTwo } from "./support/fields.js";

let dataDir: string;
let store: SqliteCrmStore;
let crm: CrmTestServer;
let mock: RunningPrism;
let crmRun: VerifyRun;
let mockRun: VerifyRun;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "crm-tolerance-"));
  store = SqliteCrmStore.open(dataDir);
  crm = await startCrmServer(store);
  mock = await startMock();
  crmRun = await verify({ url: crm.url, key: apiKeys.primary, families: ["tolerance"] });
  mockRun = await verify({ url: mock.url, key: "any-key", families: ["tolerance"] });
}, 60_000);
afterAll(async () => {
  await mock?.stop();
  await crm?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const headers = { Authorization: apiKeys.primary, "Content-Type": "application/json" };
const call = (baseUrl: string, method: string, path: string, body?: unknown) =>
  send(baseUrl, { method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) });
const outcome = (run: VerifyRun, rule: string) => run.outcomes.find((o) => o.check.rule === rule)!;
/** The body a tolerance call got from the CRM, by the start of its rule. */
const answered = (rule: string): Record<string, any> =>
  crmRun.world.kept.get(toleranceCalls.find((t) => t.rule.startsWith(rule))!.rule) as Record<string, any>;

describe("the calls 2.1.0 refused, now accepted", () => {
  it.each(toleranceCalls)("$rule: from the CRM, and a documented success from the mock", ({ rule, needsState }) => {
    const fromCrm = outcome(crmRun, rule);
    expect(fromCrm.verdict, fromCrm.problems.join("; ")).toBe("pass");
    const fromMock = outcome(mockRun, rule);
    expect(fromMock.verdict, fromMock.problems.join("; ")).toBe(needsState ? "skip" : "pass");
  });

  it("the mock answers the empty search with its 200 example, the CRM with 204", () => {
    const rule = "a search with no criterion, {}, finds nobody: 204";
    expect([outcome(crmRun, rule).answer?.status, outcome(mockRun, rule).answer?.status]).toEqual([204, 200]);
  });

  it("what the CRM stored: the null nowhere, the field it did not wipe, the empty one set", async () => {
    const id = idOf(answered("a null field is not sent"))!;
    expect(await store.getCustomer(id)).toEqual({
      id,
      [searchableOne]: `${crmRun.prefix}-Tolerant`,
      [notSearchableTwo]: "kept",
      [searchableTwo]: "",
    });
    const unlisted = idOf(answered("a null for a property the body does not list"))!;
    expect(await store.getCustomer(unlisted)).toEqual({
      id: unlisted,
      [searchableOne]: `${crmRun.prefix}-second`,
    });
  });

  it("the long thread: answered as the spec documents it, kept as Khoros sent it (but its nulls)", async () => {
    const created = answered("a case named by customId");
    expect(created).toMatchObject({ description: "", status: "open" });
    const author = { service: "twitter", serviceId: "42", handle: "jane", name: "Jane", brandOwned: false };
    expect(created.interactions[0]).toEqual({ ...tolerantInteraction(0), sentiment: undefined, linkUrl: "", author });
    const stored = await store.getCase(created.id);
    expect(stored!.interactions).toHaveLength(440);
    expect(stored!.interactions[1]).toEqual({ ...tolerantInteraction(1), author: { ...author, followers: 1200 } });
  });

  it("the case page shows what Khoros sent that the API does not answer, escaped", async () => {
    const page = await (await fetch(`${crm.url}/agent/cases/${answered("a case named by customId").id}`)).text();
    expect(page).toContain("sentiment");
    expect(page).toContain("&lt;b&gt;negative&lt;/b&gt;");
    expect(page).not.toContain("<b>negative</b>");
    expect(page).toContain("author followers");
  });
});

describe("what stays refused", () => {
  it("a property createCustomer and updateCustomer do not list: 400 naming it (invalid field in payload)", async () => {
    for (const [method, path] of [
      ["POST", "/customer"],
      ["PATCH", "/customer/cus_0192f3a1c2d47e8a9b3c4d5e6f700000"],
    ] as const) {
      const answer = await call(crm.url, method, path, {
        [searchableOne]: "x",
        favouriteColour: "teal",
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        error: "invalid_field",
        message: "favouriteColour is not a field of this request.",
        fields: { name: "favouriteColour", errorMessage: "favouriteColour is not a field of this request." },
      });
    }
    // A null is "not sent", whatever its name: nothing there to refuse.
    expect((await call(crm.url, "POST", "/customer", { favouriteColour: null })).status).toBe(201);
  });

  it("a null for a required property: 422 'is required'", async () => {
    const answer = await call(crm.url, "POST", "/case", { customerId: "cus_x", title: null });
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({
      error: "field_validation_error",
      message: "title is required.",
      fields: [{ name: "title", errorMessage: "title is required." }],
    });
  });

  it.each(refusedCalls)("$rule, from the CRM (the mock is not asked: it keeps no customers)", ({ rule }) => {
    const refusal = outcome(crmRun, rule);
    expect(refusal.verdict, refusal.problems.join("; ")).toBe("pass");
    expect(refusal.answer!.status).toBe(422);
    expect(outcome(mockRun, rule).verdict).toBe("skip");
  });

  it("the case asked to move keeps its customer", async () => {
    const crmCase = await store.getCase(answered("a case named by customId").id);
    expect(crmCase!.customerId).toBe(idOf(answered("a null field is not sent")));
  });
});
