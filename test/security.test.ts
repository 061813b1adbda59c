// Security basics: how API keys are compared and that they are never logged, headers on every kind of
// answer, the customer page's escaping, and the runtime dependencies guide/robustness.md accounts for.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../generated/client.js";
import { projectRoot } from "../scripts/shared/paths.js";
import { MemoryCrmStore } from "../reference-crm/stores/memory.js";
import { type CustomerFields, customerFieldNames } from "../reference-crm/stores/store.js";
import { createKeyChecker } from "../src/api-keys.js";
import { apiKeys, type CrmTestServer, publicUrl, startCrmServer } from "./support/server.js";

describe("API key check", () => {
  const keys = { first: "k-first-0123456789", second: "k-second-abcdefghij", third: "k-third-zyxwvutsr" };

  it("finds each key, and refuses near misses, prefixes and other lengths", () => {
    const check = createKeyChecker(keys);
    for (const [id, key] of Object.entries(keys)) expect(check(key)).toBe(id);
    for (const guess of [
      "k-first-012345678",
      "k-first-01234567890",
      "K-first-0123456789",
      "",
      "k",
      undefined,
      ["k-first-0123456789"],
    ]) {
      expect(check(guess as string)).toBeUndefined();
    }
  });

  it("compares equal-length digests with every configured key, whatever is presented (no early exit)", () => {
    const calls: [number, number][] = [];
    const check = createKeyChecker(keys, (a, b) => {
      calls.push([a.length, b.length]);
      return a.equals(b);
    });
    for (const presented of [keys.first, keys.third, "wrong", "x".repeat(1000)]) {
      calls.length = 0;
      check(presented);
      expect(calls).toEqual([
        [32, 32],
        [32, 32],
        [32, 32],
      ]);
    }
  });
});

describe("answers and logs", () => {
  let crm: CrmTestServer;
  const failingStore = new MemoryCrmStore();
  beforeAll(async () => {
    failingStore.createCustomer = async () => {
      throw new Error("disk I/O error at /var/lib/crm/data.sqlite");
    };
    crm = await startCrmServer(failingStore, Buffer.from("<!DOCTYPE html><title>docs</title>"));
  });
  afterAll(() => crm.close());

  it("never logs an API key, presented or configured, and never answers with internals", async () => {
    const responses = await Promise.all([
      fetch(`${crm.url}/customer`, {
        method: "POST",
        headers: { Authorization: apiKeys.primary, "Content-Type": "application/json" },
        body: "{}",
      }),
      fetch(`${crm.url}/customer`, {
        method: "POST",
        headers: { Authorization: "presented-wrong-key-7f3a", "Content-Type": "application/json" },
        body: "{}",
      }),
      fetch(`${crm.url}/customer`, {
        method: "POST",
        headers: { Authorization: apiKeys.rotated, "Content-Type": "application/json" },
        body: "{",
      }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([500, 401, 400]);
    const bodies = await Promise.all(responses.map((r) => r.text()));
    for (const body of bodies) expect(body).not.toMatch(/sqlite|\/var\/lib|Error:|at |test-key/);
    expect(crm.logs.map((entry) => entry.message)).toEqual(["The handler threw."]);
    expect(JSON.stringify(crm.logs)).toContain("/var/lib/crm/data.sqlite"); // the details go to the log…
    for (const key of [apiKeys.primary, apiKeys.rotated, "presented-wrong-key-7f3a"])
      expect(JSON.stringify(crm.logs)).not.toContain(key); // …keys never
  });

  it.each(["/customer", "/agent/customers/cus_x", "/docs", "/", "/nowhere"])(
    "GET %s carries nosniff and no X-Powered-By",
    async (path) => {
      const response = await fetch(`${crm.url}${path}`);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.has("x-powered-by")).toBe(false);
    },
  );
});

describe("the customer page", () => {
  let crm: CrmTestServer;
  const store = new MemoryCrmStore();
  beforeAll(async () => {
    crm = await startCrmServer(store);
  });
  afterAll(() => crm.close());

  const escape = (s: string) =>
    s
      .replaceAll("&", "&amp;")
      .replaceAll("<", "&lt;")
      .replaceAll(">", "&gt;")
      .replaceAll('"', "&quot;")
      .replaceAll("'", "&#39;");
  const hostile = fc.string({
    unit: fc.constantFrom("<", ">", "&", '"', "'", "/", "=", "s", "c", "r", "i", "p", "t", " ", "é", "\n"),
    maxLength: 30,
  });

  it("escapes every field, whatever it holds", async () => {
    const client = createClient({ baseUrl: crm.url, apiKey: apiKeys.primary });
    const fields = fc.record(
      Object.fromEntries(customerFieldNames.map((name) => [name, hostile])) as Record<
        keyof CustomerFields,
        fc.Arbitrary<string>
      >,
    );
    await fc.assert(
      fc.asyncProperty(fields, async (sent) => {
        const created = await client.createCustomer(sent);
        if (created.status !== 201) throw new Error(`status ${created.status}`);
        const html = await (await fetch(created.data.url.replace(publicUrl, crm.url))).text();
        const shown = html.slice(html.indexOf("<dl>"), html.indexOf("</dl>"));
        for (const value of Object.values(sent)) if (value !== "") expect(shown).toContain(escape(value));
        // Outside the page's own tags (<dt>, <dd>, <span class="none">), no markup: nothing from a field.
        expect(shown.replace(/<\/?(dl|dt|dd)>|<span class="none">|<\/span>/g, "")).not.toMatch(/[<>"']/);
      }),
      { numRuns: 200 },
    );
  });
});

describe("runtime dependencies", () => {
  it("are pinned, and guide/robustness.md lists each with the reason it is there", () => {
    const manifest = JSON.parse(readFileSync(`${projectRoot}/package.json`, "utf8")) as {
      dependencies: Record<string, string>;
    };
    const guide = readFileSync(`${projectRoot}/guide/robustness.md`, "utf8");
    const section = guide.slice(guide.indexOf("## Runtime dependencies"));
    const listed = Object.fromEntries(
      [...section.matchAll(/^\| `([^`]+)` \| ([^|]+) \| ([^|]+) \|$/gm)].map(([, name, version, why]) => [
        name,
        { version: version!.trim(), why: why!.trim() },
      ]),
    );
    expect(Object.keys(listed).sort()).toEqual(Object.keys(manifest.dependencies).sort());
    for (const [name, version] of Object.entries(manifest.dependencies)) {
      expect(version, name).toMatch(/^(npm:[\w@/.-]+@)?\d+\.\d+\.\d+$/); // exact, also behind an alias
      expect(listed[name]!.version, name).toBe(version);
      expect(listed[name]!.why.length, name).toBeGreaterThan(20);
    }
  });
});
