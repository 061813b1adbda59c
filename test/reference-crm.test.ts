// The reference CRM around the stub: the agent's pages behind each `url` (customer and case), the docs,
// and storage failures that become the contract's 500 while the server keeps answering.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createClient } from "../generated/client.js";
import { errorBody } from "../generated/server.js";
import { Database, SqliteCrmStore } from "../reference-crm/stores/sqlite.js";
import { apiKeys, type CrmTestServer, publicUrl, startCrmServer } from "./support/server.js";
import { caseFieldOne, notSearchableTwo, searchableOne } from "./support/fields.js";

let dataDir: string;
let store: SqliteCrmStore;
let crm: CrmTestServer;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "crm-"));
  store = SqliteCrmStore.open(dataDir, { busyTimeoutMs: 50 });
  crm = await startCrmServer(store, Buffer.from("<!DOCTYPE html><title>docs</title><h1>createCustomer</h1>"));
});
afterEach(async () => {
  await crm.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Restarts the CRM on a store over the given connection (closing the current ones); returns the connection. */
async function restartOn(db: InstanceType<typeof Database>): Promise<InstanceType<typeof Database>> {
  await crm.close();
  await store.close();
  store = new SqliteCrmStore(db);
  crm = await startCrmServer(store);
  return db;
}

const client = () => createClient({ baseUrl: crm.url, apiKey: apiKeys.primary });
/** The page behind a customer's url (which carries the configured public origin). */
const page = (url: string) => fetch(url.replace(publicUrl, crm.url));

describe("the customer page", () => {
  it("shows every field, escaped, to anyone with the url (no API key), and tells absent from empty", async () => {
    const created = await client().createCustomer({
      [searchableOne]: `<script>alert("x")</script> & 'quotes'`,
      [notSearchableTwo]: "",
    });
    expect(created.status).toBe(201);
    if (created.status !== 201) return;
    expect(created.data.url).toMatch(new RegExp(`^${publicUrl}/agent/customers/cus_`));
    const response = await page(created.data.url);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    expect(html).toContain(created.data.id);
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;");
    expect(html).not.toContain("<script>");
    expect(html).toMatch(/Non-searchable field two<\/dt><dd><span class="none">empty/);
    expect(html).toMatch(/Non-searchable field one<\/dt><dd><span class="none">not set/);
  });

  it("shows a case, escaped, with its status, customer and interactions in order, to anyone with the url", async () => {
    const customer = await client().createCustomer({});
    if (customer.status !== 201) throw new Error(String(customer.status));
    const note = (body: string, linkUrl: string) => ({
      created: "2026-11-27T09:14:00Z",
      body,
      linkUrl,
      serviceId: "1",
      service: "facebook",
      contentType: "post",
    });
    const created = await client().createCase({
      customerId: customer.data.id,
      title: `<b>Broken</b> & "sad"`,
      interactions: [note("first <i>one</i>", "https://social.example/1"), note("second", "javascript:alert(1)")],
      [caseFieldOne]: "",
    });
    if (created.status !== 201) throw new Error(String(created.status));
    expect(created.data.url).toMatch(new RegExp(`^${publicUrl}/agent/cases/case_`));
    const response = await page(created.data.url);
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(html).toContain("<h1>&lt;b&gt;Broken&lt;/b&gt; &amp; &quot;sad&quot;</h1>");
    expect(html).toContain(`href="/agent/customers/${customer.data.id}"`);
    expect(html.indexOf("first &lt;i&gt;one&lt;/i&gt;")).toBeLessThan(html.indexOf("second"));
    expect(html).toContain('<a href="https://social.example/1" rel="noreferrer">');
    expect(html).not.toContain('href="javascript:'); // shown as text, never a link
    expect(html).toMatch(/Case property one<\/dt><dd><span class="none">empty/);
    expect(html).toMatch(/Case property two<\/dt><dd><span class="none">not set/);
  });

  it("answers an unknown customer's or case's page with a 404 page", async () => {
    const response = await fetch(`${crm.url}/agent/customers/cus_does-not-exist`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toContain("<h1>Not found</h1>");
  });

  it.each([
    ["GET", "/nowhere", 404, errorBody("notFound", { path: "/nowhere" }), undefined],
    ["GET", "/agent/customers/%E0%A4%A", 404, errorBody("notFound", { path: "/agent/customers/%E0%A4%A" }), undefined],
    ["POST", "/nope", 404, errorBody("notFound", { path: "/nope" }), undefined],
    [
      "POST",
      "/docs",
      405,
      errorBody("methodNotAllowed", { path: "/docs", method: "POST", allowed: "GET or HEAD" }),
      "GET, HEAD",
    ],
    [
      "DELETE",
      "/agent/customers/cus_x",
      405,
      errorBody("methodNotAllowed", { path: "/agent/customers/cus_x", method: "DELETE", allowed: "GET or HEAD" }),
      "GET, HEAD",
    ],
    [
      "GET",
      "/customer",
      405,
      errorBody("methodNotAllowed", { path: "/customer", method: "GET", allowed: "POST" }),
      "POST",
    ],
  ])("answers %s %s in the contract's shape (%i), never HTML", async (method, path, status, body, allow) => {
    for (const accept of ["application/json", "text/plain"]) {
      const response = await fetch(`${crm.url}${path}`, { method, headers: { Accept: accept } });
      expect(response.status).toBe(status);
      expect(response.headers.get("content-type")).toBe(`${accept}; charset=utf-8`);
      expect(response.headers.get("allow")).toBe(allow ?? null);
      const text = await response.text();
      expect(accept === "text/plain" ? text : JSON.parse(text)).toEqual(accept === "text/plain" ? body.message : body);
    }
  });

  it("serves the docs at /docs and a home page at /", async () => {
    const docs = await fetch(`${crm.url}/docs`);
    expect([docs.status, await docs.text()]).toEqual([200, expect.stringContaining("<h1>createCustomer</h1>")]);
    const home = await fetch(`${crm.url}/`);
    expect([home.status, await home.text()]).toEqual([200, expect.stringContaining('href="/docs"')]);
  });
});

describe("storage failures", () => {
  const unexpected = {
    error: "unexpected_error",
    message: "Something went wrong on our side. Please try again later.",
  };

  async function expect500ThenRecovery(breakIt: () => () => void) {
    const before = await client().createCustomer({ [searchableOne]: "before" });
    expect(before.status).toBe(201);
    const repair = breakIt();
    const failed = await client().createCustomer({ [searchableOne]: "during" });
    expect(failed.status).toBe(500);
    expect(failed.data).toEqual(unexpected);
    expect(crm.logs.filter((entry) => entry.requestId === failed.response.headers.get("x-request-id"))).toHaveLength(1);
    if (before.status === 201) expect((await page(before.data.url)).status).toBe(200); // still answering
    repair();
    expect((await client().createCustomer({ [searchableOne]: "after" })).status).toBe(201);
  }

  it("a full disk → 500, and the server keeps answering", async () => {
    const db = await restartOn(new Database(join(dataDir, "crm.sqlite")));
    await expect500ThenRecovery(() => {
      // SQLite's cap on the file's size, on the store's own connection, then rows like the store's until
      // no more fit: the SQLITE_FULL a full disk gives.
      db.pragma(`max_page_count = ${db.pragma("page_count", { simple: true })}`);
      const filler = db.prepare(`INSERT INTO customers (id, ${searchableOne}) VALUES (?, 'during')`);
      expect(() => {
        for (let i = 0; ; i++) filler.run(`cus_filler-${String(i).padStart(32, "0")}`);
      }).toThrow(/full/);
      return () => db.pragma("max_page_count = 1073741823");
    });
    expect(crm.logs.at(-1)!.detail).toMatch(/full/i);
  });

  it("a database locked by another process → 500, and the server keeps answering", async () => {
    const other = new Database(join(dataDir, "crm.sqlite"));
    await expect500ThenRecovery(() => {
      other.exec("BEGIN EXCLUSIVE");
      return () => other.exec("COMMIT");
    });
    other.close();
  });

  it("an unwritable database file → 500, and the server keeps answering", async () => {
    // A file SQLite can only read (permissions do not stop root, so open it read-only).
    await restartOn(new Database(join(dataDir, "crm.sqlite"), { readonly: true }));
    const failed = await client().createCustomer({});
    expect(failed.status).toBe(500);
    expect(failed.data).toEqual(unexpected);
    expect(crm.logs[0]!.detail).toMatch(/readonly|read-only/i);
    expect((await fetch(`${crm.url}/agent/customers/cus_x`)).status).toBe(404);
  });
});
