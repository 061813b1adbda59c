// A custom field added to the spec, and nothing else edited: one `npm run generate` carries it to the
// validators, the types, the object structure Khoros shows its admins, search and the database (a column
// added to an existing database by migration, the data kept). Run on a throw-away copy of the project: the
// recipe "Add a custom field" of guide/change-the-contract.md.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { Database, SqliteCrmStore } from "../reference-crm/stores/sqlite.js";
import { copyProject, type ProjectCopy } from "./support/project-copy.js";

type Validate = ((data: unknown) => boolean) & { errors?: { keyword: string; instancePath: string }[] };

const loyaltyTier = {
  type: "string",
  description: "The customer's loyalty tier.",
  "x-searchable": true,
  "x-label": "Loyalty tier",
  "x-field-type": "single_sel_list",
  "x-list-values": [
    { name: "Gold", value: "gold" },
    { name: "Silver", value: "silver" },
  ],
};

let copy: ProjectCopy;
let dataDir: string;
let existingId: string;

beforeAll(async () => {
  // A database made by the code as it is, with a customer in it, before the field exists.
  dataDir = mkdtempSync(join(tmpdir(), "crm-new-field-"));
  const store = SqliteCrmStore.open(dataDir);
  existingId = (await store.createCustomer({ customSearchableCustomerFieldOne: "kept" })).id;
  await store.close();
  copy = await copyProject((spec) => {
    const file = join(spec, "components/schemas/SearchableCustomerFields.yaml");
    const fields = parseDocument(readFileSync(file, "utf8"));
    fields.setIn(["properties", "loyaltyTier"], loyaltyTier);
    writeFileSync(file, fields.toString());
  });
}, 90_000);

afterAll(() => {
  copy?.remove();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("a searchable custom field added to the spec", () => {
  it("is accepted by the regenerated validators of every body with customer fields, which check its type", async () => {
    const validators = (await import(join(copy.root, "generated/validators.ts"))) as Record<string, Validate>;
    for (const body of ["createCustomerBody", "updateCustomerBody", "searchCustomersBody"]) {
      expect(validators[body]!({ loyaltyTier: "gold" }), body).toBe(true);
      expect(validators[body]!({ loyaltyTier: 3 }), body).toBe(false);
      expect(validators[body]!.errors, body).toContainEqual(
        expect.objectContaining({ keyword: "type", instancePath: "/loyaltyTier" }),
      );
      // Its input form: a list value's value or name, or null (not sent); nothing else.
      expect(
        [
          validators[body]!({ loyaltyTier: "Silver" }),
          validators[body]!({ loyaltyTier: null }),
          validators[body]!({ loyaltyTier: "bronze" }),
        ],
        body,
      ).toEqual([true, true, false]);
    }
  });

  it("is carried by the regenerated types, client and handler contract", () => {
    writeFileSync(
      join(copy.root, "generated/uses-new-field.ts"),
      [
        'import { createClient } from "./client.js";',
        'import type { Handlers } from "./server.js";',
        'import type { components } from "./types.js";',
        'const request: components["schemas"]["CreateCustomerRequest"] = { loyaltyTier: "gold" };',
        'void createClient({ baseUrl: "http://x", apiKey: "k" }).searchCustomers({ loyaltyTier: "gold" });',
        'const find: Handlers["findCustomer"] = ({ path }) =>',
        '  ({ status: 200, body: { id: path.id, url: "u", loyaltyTier: "gold" } });',
        "// @ts-expect-error the new field is a string",
        "const wrong: components['schemas']['CreateCustomerRequest'] = { loyaltyTier: 1 };",
        "void [request, find, wrong];",
      ].join("\n"),
    );
    expect(copy.typecheck(["generated/uses-new-field.ts"])).toEqual([]);
  });

  it("reaches Khoros's admin screen, search and an existing database, via the regenerated reference CRM", async () => {
    const server = await copy.start("reference-crm/main.ts", { API_KEY: "k", STORE: "sqlite", DATA_DIR: dataDir });
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { Authorization: "k", "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    try {
      const meta = (await (await call("GET", "/meta/object/customer")).json()) as { fields: { name: string }[] };
      expect(meta.fields).toContainEqual({
        name: "loyaltyTier",
        searchable: true,
        label: "Loyalty tier",
        type: "single_sel_list",
        listValues: loyaltyTier["x-list-values"],
      });
      const created = (await (await call("POST", "/customer", { loyaltyTier: "Gold" })).json()) as { id: string };
      const found = (await (await call("POST", "/customers", { loyaltyTier: "gold" })).json()) as {
        id: string;
        loyaltyTier: string;
      }[];
      expect(found).toEqual([expect.objectContaining({ id: created.id, loyaltyTier: "Gold" })]);
      expect(await (await call("GET", `/customer/${existingId}`)).json()).toMatchObject({
        id: existingId,
        customSearchableCustomerFieldOne: "kept",
      });
    } finally {
      await server.process.stop();
    }
    const db = new Database(join(dataDir, "crm.sqlite"), { readonly: true });
    const columns = (db.prepare("PRAGMA table_info(customers)").all() as { name: string }[]).map((c) => c.name);
    db.close();
    expect(columns).toEqual(expect.arrayContaining(["loyaltyTier", "loyaltyTier__key"]));
  }, 60_000);
});
