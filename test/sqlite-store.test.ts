// The SQLite store: fields kept exactly as sent, ids, schema migrations.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Database, migrate, migrations, SqliteCustomerStore } from "../reference-crm/stores/sqlite.js";

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "crm-data-"));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe("SqliteCustomerStore", () => {
  it("keeps every field exactly as sent: Unicode, empty strings, and absent fields distinct from empty", async () => {
    const store = SqliteCustomerStore.open(join(dataDir, "nested/new"));
    const sent = [
      { customSearchableCustomerFieldOne: "Zoë 日本語 😀 e\u0301 \u0000 end", customNonSearchableCustomerFieldTwo: "" },
      { customNonSearchableCustomerFieldOne: "  leading and trailing  ", customSearchableCustomerFieldTwo: "<script>x</script>" },
      {},
    ];
    const created = await Promise.all(sent.map((fields) => store.create(fields)));
    await store.close();
    const reopened = SqliteCustomerStore.open(join(dataDir, "nested/new"));
    for (const [i, fields] of sent.entries()) {
      expect(await reopened.get(created[i]!.id)).toEqual({ id: created[i]!.id, ...fields });
    }
    expect(await reopened.get("cus_unknown")).toBeUndefined();
    await reopened.close();
  });

  it("gives every customer an id that is unique and unguessable (80 random bits after the time), never a counter", async () => {
    const store = SqliteCustomerStore.open(dataDir);
    const before = Date.now();
    const ids = await Promise.all(Array.from({ length: 500 }, () => store.create({}).then((c) => c.id)));
    await store.close();
    expect(new Set(ids).size).toBe(500);
    for (const id of ids) {
      expect(id).toMatch(/^cus_[0-9a-f]{32}$/);
      expect(parseInt(id.slice(4, 16), 16)).toBeGreaterThanOrEqual(before);
    }
    // The random parts share no structure: every hex digit position takes many values across the ids.
    const randomParts = ids.map((id) => id.slice(16));
    for (let position = 0; position < 20; position++) {
      expect(new Set(randomParts.map((part) => part[position])).size, `digit ${position}`).toBeGreaterThan(10);
    }
  });

  it("creates the schema in WAL mode and records its version", async () => {
    const store = SqliteCustomerStore.open(dataDir);
    await store.close();
    const db = new Database(join(dataDir, "crm.sqlite"), { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.prepare("SELECT version FROM schema_version").all()).toEqual([{ version: migrations.length }]);
    db.close();
  });

  it("adds a later field as a migration that keeps the data", async () => {
    const store = SqliteCustomerStore.open(dataDir);
    const kept = await store.create({ customSearchableCustomerFieldOne: "kept" });
    await store.close();
    const db = new Database(join(dataDir, "crm.sqlite"));
    const next = [...migrations, "ALTER TABLE customers ADD COLUMN customerTier TEXT"];
    expect(migrate(db, next)).toBe(migrations.length + 1);
    expect(migrate(db, next)).toBe(migrations.length + 1); // a second run changes nothing
    expect(db.prepare("SELECT customSearchableCustomerFieldOne, customerTier FROM customers WHERE id = ?").get(kept.id)).toEqual({
      customSearchableCustomerFieldOne: "kept",
      customerTier: null,
    });
    expect(() => migrate(db, migrations)).toThrow("newer than this code");
    db.close();
  });
});
