// One conformance suite for every store of the reference CRM: what the handlers rely on, run against each
// (in memory, SQLite, and PostgreSQL when there is a server: see support/postgres.ts; the stores, and the
// records the suite writes, are in support/stores-under-test.ts). Here, customers: fields kept exactly,
// search and best match by the documented rules, and ids; then several PostgreSQL stores opened at once on
// one database.
// Cases and concurrent writes to one record are in store-conformance-cases.test.ts, failure events in
// store-conformance-events.test.ts.
import { describe, expect, it } from "vitest";
import { PostgresCrmStore } from "../reference-crm/stores/postgres.js";
import type { CrmStore } from "../reference-crm/stores/store.js";
import { createScratchDatabase, postgresAvailable } from "./support/postgres.js";
import { openForEachTest, storesUnderTest } from "./support/stores-under-test.js";
import { notSearchableOne, notSearchableTwo, searchableOne, searchableTwo } from "./support/fields.js";

describe.each(storesUnderTest)("the $name store", (underTest) => {
  let store: CrmStore;
  openForEachTest(underTest, (opened) => (store = opened));

  it("keeps every field exactly as sent: Unicode, empty strings, and absent fields distinct from empty", async () => {
    const sent = [
      {
        [searchableOne]: "Zoë 日本語 😀 e\u0301 \u0000 \u00010 \u0001 end",
        [notSearchableTwo]: "",
      },
      {
        [notSearchableOne]: "  leading and trailing  ",
        [searchableTwo]: "<script>x</script>",
      },
      {},
    ];
    const created = await Promise.all(sent.map((fields) => store.createCustomer(fields)));
    for (const [i, fields] of sent.entries())
      expect(await store.getCustomer(created[i]!.id)).toEqual({ id: created[i]!.id, ...fields });
    expect(await store.getCustomer("cus_unknown")).toBeUndefined();
  });

  it("updates only the fields given, and tells an unknown id", async () => {
    const { id } = await store.createCustomer({
      [searchableOne]: "a",
      [notSearchableOne]: "b",
    });
    expect(
      await store.updateCustomer(id, {
        [notSearchableOne]: "",
        [searchableTwo]: "Ünï",
      }),
    ).toEqual({
      id,
      [searchableOne]: "a",
      [notSearchableOne]: "",
      [searchableTwo]: "Ünï",
    });
    expect(await store.updateCustomer(id, {})).toEqual(await store.getCustomer(id));
    // A null is "not sent" (the runtime drops it first; a store reads it the same way): nothing wiped.
    const unchanged = await store.getCustomer(id);
    expect(await store.updateCustomer(id, { [searchableOne]: null } as never)).toEqual(unchanged);
    expect(await store.createCustomer({ [searchableTwo]: null } as never)).toEqual({
      id: expect.any(String),
    });
    expect(await store.updateCustomer("cus_unknown", { [searchableOne]: "x" })).toBeUndefined();
  });

  it("searches whole values ignoring case, every criterion at once, newest first, up to the limit", async () => {
    const made = [];
    for (const [one, two] of [
      ["@Jane", "A-1"],
      ["@jane", "a-1"],
      ["@JANE", "B-2"],
      ["@janet", "A-1"],
      ["ZOË", "x"],
    ]) {
      made.push((await store.createCustomer({ [searchableOne]: one, [searchableTwo]: two })).id);
    }
    const ids = (list: { id: string }[]) => list.map((c) => c.id);
    expect(ids(await store.searchCustomers({ [searchableOne]: "@jane" }, 100))).toEqual([made[2], made[1], made[0]]);
    expect(ids(await store.searchCustomers({ [searchableOne]: "@JANE", [searchableTwo]: "A-1" }, 100))).toEqual([
      made[1],
      made[0],
    ]);
    expect(ids(await store.searchCustomers({ [searchableOne]: "@jane" }, 2))).toEqual([made[2], made[1]]);
    // Beyond ASCII too:
    expect(ids(await store.searchCustomers({ [searchableOne]: "zoë" }, 100))).toEqual([made[4]]);
    expect(await store.searchCustomers({ [searchableOne]: "@jan" }, 100)).toEqual([]);
  });

  it(
    "best match: by how many facts equal a searchable field, " + "newest first among equals, nobody scoring zero",
    async () => {
      const one = await store.createCustomer({
        [searchableOne]: "@jane",
        [searchableTwo]: "acme-1",
      });
      const two = await store.createCustomer({ [searchableOne]: "@JANE" });
      const three = await store.createCustomer({
        [searchableTwo]: "ACME-1",
        [notSearchableOne]: "@jane",
      });
      // Only a non-searchable field: never a match.
      await store.createCustomer({ [notSearchableOne]: "acme-1" });
      const ranked = await store.bestMatchCustomers(["@jane", "acme-1", "nobody"], 10);
      expect(ranked.map((c) => c.id)).toEqual([one.id, three.id, two.id]);
      expect((await store.bestMatchCustomers(["@jane", "acme-1"], 1)).map((c) => c.id)).toEqual([one.id]);
      expect(await store.bestMatchCustomers(["nobody"], 10)).toEqual([]);
      expect(await store.bestMatchCustomers([], 10)).toEqual([]);
    },
  );

  it(
    "gives every record an id that is unique, unguessable (80 random bits after the time) " +
      "and in the order it was made",
    async () => {
      const before = Date.now();
      const ids: string[] = [];
      for (let i = 0; i < 200; i++) ids.push((await store.createCustomer({})).id);
      expect(new Set(ids).size).toBe(200);
      expect([...ids].sort()).toEqual(ids);
      for (const id of ids) {
        expect(id).toMatch(/^cus_[0-9a-f]{32}$/);
        expect(parseInt(id.slice(4, 16), 16)).toBeGreaterThanOrEqual(before);
      }
      // Made in the same millisecond, an id is the last one plus up to 2^40 at random: its last ten hex digits
      // take many values across the ids.
      for (let position = 26; position < 36; position++)
        expect(new Set(ids.map((id) => id[position])).size, `digit ${position}`).toBeGreaterThan(10);
    },
  );
});

describe.skipIf(!postgresAvailable)("the PostgreSQL store, several opened at once on one database", () => {
  it(
    "each migrates without error (one at a time, under the advisory lock), " + "and what one writes the others read",
    async () => {
      const database = await createScratchDatabase();
      const opening = await Promise.allSettled(Array.from({ length: 4 }, () => PostgresCrmStore.open(database.config)));
      try {
        const stores = opening.map((result) =>
          result.status === "fulfilled" ? result.value : expect.fail(String(result.reason)),
        );
        const customer = await stores[0]!.createCustomer({ [searchableOne]: "Shared" });
        const crmCase = await stores[1]!.createCase({ customerId: customer.id, title: "seen by all" });
        for (const store of stores) {
          expect(await store.searchCustomers({ [searchableOne]: "shared" }, 10)).toEqual([customer]);
          expect(await store.listCases(customer.id)).toEqual([crmCase]);
        }
      } finally {
        await Promise.all(opening.map((result) => result.status === "fulfilled" && result.value.close()));
        await database.drop();
      }
    },
  );
});
