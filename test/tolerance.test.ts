// Khoros is never refused (contract 2.2.0): the calls Khoros may make that 2.1.0 refused, each sent to the
// reference CRM (on SQLite, as `npm start` runs it) and to the Prism mock of the bundled spec. Each gets its
// success status from both, and what the CRM stored reads back as the contract says: a null stored nowhere,
// a field never wiped by one, a case listed under its customer, an interaction kept with all Khoros sent.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteCrmStore } from "../reference-crm/stores/sqlite.js";
import { type RunningPrism, startMock } from "../scripts/contract/mock.js";
import { send } from "./support/operations.js";
import { apiKeys, type CrmTestServer, startCrmServer } from "./support/server.js";

let dataDir: string;
let store: SqliteCrmStore;
let crm: CrmTestServer;
let mock: RunningPrism;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "crm-tolerance-"));
  store = SqliteCrmStore.open(dataDir);
  crm = await startCrmServer(store);
  mock = await startMock();
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
/** Sends the call to the CRM and to the mock; both must answer `status`. Returns the CRM's answer. */
async function accepted(method: string, path: string, body: unknown, status: number) {
  const [fromCrm, fromMock] = await Promise.all([call(crm.url, method, path, body), call(mock.url, method, path.replace(/(cus|case)_\w+/, "$1_1"), body)]);
  expect(fromCrm.status, `the CRM: ${fromCrm.text.slice(0, 300)}`).toBe(status);
  expect(fromMock.status, `the mock: ${fromMock.text.slice(0, 300)}`).toBe(status);
  return fromCrm.body as Record<string, any>;
}

/** An interaction as Khoros may send it: no linkUrl, a date as Java writes it, properties the spec does not list. */
const interaction = (n: number) => ({
  created: "Thu Sep 13 09:14:00 UTC 2018",
  body: `Post ${n} of a long thread. ${"·".repeat(600)}`,
  serviceId: `post-${n}`,
  service: "twitter",
  contentType: "post",
  sentiment: { label: "<b>negative</b>", score: -0.7 },
  author: { service: "twitter", serviceId: "42", handle: "jane", name: "Jane", brandOwned: false, followers: 1200, verified: null },
});

describe("the calls 2.1.0 refused, now accepted", () => {
  let customerId: string;

  it("createCustomer with a null field: 201, and the null stored nowhere", async () => {
    const created = await accepted("POST", "/customer", { customSearchableCustomerFieldOne: "@Tolerant", customNonSearchableCustomerFieldOne: null }, 201);
    customerId = created.id;
    expect(await store.getCustomer(customerId)).toEqual({ id: customerId, customSearchableCustomerFieldOne: "@Tolerant" });
  });

  it("updateCustomer with a null field: 201, and the field not wiped", async () => {
    await call(crm.url, "PATCH", `/customer/${customerId}`, { customNonSearchableCustomerFieldTwo: "kept" });
    const updated = await accepted("PATCH", `/customer/${customerId}`, { customNonSearchableCustomerFieldTwo: null, customSearchableCustomerFieldTwo: "" }, 201);
    expect(updated).toMatchObject({ customNonSearchableCustomerFieldTwo: "kept", customSearchableCustomerFieldTwo: "" });
    expect(await store.getCustomer(customerId)).toEqual({
      id: customerId,
      customSearchableCustomerFieldOne: "@Tolerant",
      customNonSearchableCustomerFieldTwo: "kept",
      customSearchableCustomerFieldTwo: "",
    });
  });

  it("searchCustomers with a null field: the null is no criterion", async () => {
    const found = await accepted("POST", "/customers", { customSearchableCustomerFieldOne: "@tolerant", customSearchableCustomerFieldTwo: null }, 200);
    expect((found as unknown as { id: string }[]).map((c) => c.id)).toEqual([customerId]);
  });

  it("searchCustomers with no criterion at all, {} or only nulls: 204 from the CRM (the mock answers its 200 example)", async () => {
    for (const body of [{}, { customSearchableCustomerFieldOne: null }]) {
      expect((await call(crm.url, "POST", "/customers", body)).status).toBe(204);
      expect((await call(mock.url, "POST", "/customers", body)).status).toBe(200);
    }
  });

  it("bestmatch with a profile property the spec does not list: 200, the property ignored", async () => {
    const found = await accepted("POST", "/customer/bestmatch", { screenName: "@TOLERANT", avatarUrl: "https://social.example/a.png", addresses: [{ city: null, country: "US" }] }, 200);
    expect((found as unknown as { id: string }[]).map((c) => c.id)).toEqual([customerId]);
  });

  let caseId: string;

  it("createCase naming the customer by customId (the vendor's schema), its interaction without linkUrl and with properties the spec does not list, a long thread (about 660 KiB): 201", async () => {
    const interactions = Array.from({ length: 440 }, (_, n) => interaction(n));
    const body = { customId: customerId, title: "A long thread", description: null, interactions };
    expect(Buffer.byteLength(JSON.stringify(body))).toBeGreaterThan(600 * 1024);
    const created = await accepted("POST", "/case", body, 201);
    caseId = created.id;
    expect(created).toMatchObject({ customerId, description: "", status: "open" });
    // Answered as the spec documents an interaction: its listed properties, an empty linkUrl.
    expect(created.interactions[0]).toEqual({ ...interaction(0), sentiment: undefined, linkUrl: "", author: { service: "twitter", serviceId: "42", handle: "jane", name: "Jane", brandOwned: false } });
    // Kept as Khoros sent it, all of it (but its nulls).
    const stored = await store.getCase(caseId);
    expect(stored!.interactions).toHaveLength(440);
    expect(stored!.interactions[1]).toEqual({ ...interaction(1), author: { service: "twitter", serviceId: "42", handle: "jane", name: "Jane", brandOwned: false, followers: 1200 } });
  });

  it("the case is listed under its customer", async () => {
    const cases = (await call(crm.url, "GET", `/customer/${customerId}/cases`)).body as { id: string }[];
    expect(cases.map((c) => c.id)).toEqual([caseId]);
  });

  it("the case page shows what Khoros sent that the API does not answer, escaped", async () => {
    const page = await (await fetch(`${crm.url}/agent/cases/${caseId}`)).text();
    expect(page).toContain("sentiment");
    expect(page).toContain("&lt;b&gt;negative&lt;/b&gt;");
    expect(page).not.toContain("<b>negative</b>");
    expect(page).toContain("author followers");
  });

  it("updateCase with the vendor's required customId and title, the case's own customer: 201, nothing moved", async () => {
    const updated = await accepted("PATCH", `/case/${caseId}`, { customId: customerId, title: "A long thread, answered", status: null }, 201);
    expect(updated).toMatchObject({ customerId, title: "A long thread, answered", status: "open" });
  });
});

describe("what stays refused", () => {
  it("a property createCustomer and updateCustomer do not list: 400 naming it (the vendor's invalid field in payload)", async () => {
    for (const [method, path] of [["POST", "/customer"], ["PATCH", "/customer/cus_0192f3a1c2d47e8a9b3c4d5e6f700000"]] as const) {
      const answer = await call(crm.url, method, path, { customSearchableCustomerFieldOne: "x", favouriteColour: "teal" });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ error: "invalid_field", message: "favouriteColour is not a field of this request.", fields: { name: "favouriteColour", errorMessage: "favouriteColour is not a field of this request." } });
    }
    // A null is "not sent", whatever its name: nothing there to refuse.
    expect((await call(crm.url, "POST", "/customer", { favouriteColour: null })).status).toBe(201);
  });

  it("a null for a required property: 422 'is required'", async () => {
    const answer = await call(crm.url, "POST", "/case", { customerId: "cus_x", title: null });
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({ error: "field_validation_error", message: "title is required.", fields: [{ name: "title", errorMessage: "title is required." }] });
  });

  it("an update naming another customer than the case's own: 422 naming the field (a case does not move)", async () => {
    const { id: owner } = await store.createCustomer({});
    const { id: other } = await store.createCustomer({});
    const crmCase = (await store.createCase({ customerId: owner, title: "stays" }))!;
    const answer = await call(crm.url, "PATCH", `/case/${crmCase.id}`, { customId: other });
    const message = `customId ${other} is not the customer of case ${crmCase.id}: a case does not move between customers.`;
    expect(answer.status).toBe(422);
    expect(answer.body).toEqual({ error: "field_validation_error", message, fields: [{ name: "customId", errorMessage: message }] });
    expect((await store.getCase(crmCase.id))!.customerId).toBe(owner);
  });
});
