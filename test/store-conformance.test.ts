// One conformance suite for every store of the reference CRM: what the handlers rely on, run against each
// (in memory, SQLite, and PostgreSQL when there is a server: see support/postgres.ts). Fields kept exactly,
// search and best match by the documented rules, cases with their interactions in order, newest first, and
// concurrent writes to one record.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FailureEvent, parseEvent } from "../reference-crm/events/event.js";
import { PostgresCrmStore } from "../reference-crm/stores/postgres.js";
import { SqliteCrmStore } from "../reference-crm/stores/sqlite.js";
import { MemoryCrmStore } from "../reference-crm/stores/memory.js";
import type { CrmStore, SentInteraction } from "../reference-crm/stores/store.js";
import { createScratchDatabase, postgresAvailable, type ScratchDatabase } from "./support/postgres.js";

interface StoreUnderTest {
  name: string;
  open(): Promise<CrmStore>;
  /** Removes what open() made. */
  cleanUp(): Promise<void>;
}

let scratch: string | undefined;
let scratchDatabase: ScratchDatabase | undefined;
const storesUnderTest: StoreUnderTest[] = [
  { name: "memory", open: async () => new MemoryCrmStore(), cleanUp: async () => {} },
  {
    name: "SQLite",
    open: async () => SqliteCrmStore.open((scratch = mkdtempSync(join(tmpdir(), "crm-store-")))),
    cleanUp: async () => rmSync(scratch!, { recursive: true, force: true }),
  },
  ...(postgresAvailable
    ? [
        {
          name: "PostgreSQL",
          open: async () => PostgresCrmStore.open((scratchDatabase = await createScratchDatabase()).config),
          cleanUp: () => scratchDatabase!.drop(),
        },
      ]
    : []),
];

// Every third one as Khoros may send it since 2.2.0: no linkUrl, a date as Java writes it, and properties the
// spec does not list (on the interaction and on its author), all of which are kept.
const interaction = (n: number): SentInteraction => ({
  created: n % 3 ? `2026-11-27T09:1${n}:00Z` : "Thu Sep 13 09:14:00 UTC 2018",
  body: `message ${n} ✓`,
  ...(n % 3
    ? { linkUrl: `https://social.example/${n}` }
    : { sentiment: { score: -0.4, label: "négatif" }, tags: ["a", 1, true] }),
  serviceId: String(n),
  service: "facebook",
  contentType: n % 2 ? "post" : "comment",
  ...(n % 2
    ? {
        author: {
          service: "facebook",
          serviceId: "9",
          handle: "jane",
          name: "Jane",
          brandOwned: false,
          ...(n % 3 ? {} : { followers: 12 }),
        },
      }
    : {}),
});

/** A failure event of the fixtures, under another trackingId. */
function failureEvent(fixture: string, trackingId: string): FailureEvent {
  const parsed = parseEvent(JSON.parse(readFileSync(join(import.meta.dirname, "fixtures/events", fixture), "utf8")));
  if (parsed.kind !== "failure") throw new Error(`${fixture} is no failure event`);
  return { ...parsed.event, trackingId };
}

describe.each(storesUnderTest)("the $name store", ({ open, cleanUp }) => {
  let store: CrmStore;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store.close();
    await cleanUp();
  });

  it("keeps every field exactly as sent: Unicode, empty strings, and absent fields distinct from empty", async () => {
    const sent = [
      {
        customSearchableCustomerFieldOne: "Zoë 日本語 😀 e\u0301 \u0000 \u00010 \u0001 end",
        customNonSearchableCustomerFieldTwo: "",
      },
      {
        customNonSearchableCustomerFieldOne: "  leading and trailing  ",
        customSearchableCustomerFieldTwo: "<script>x</script>",
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
      customSearchableCustomerFieldOne: "a",
      customNonSearchableCustomerFieldOne: "b",
    });
    expect(
      await store.updateCustomer(id, {
        customNonSearchableCustomerFieldOne: "",
        customSearchableCustomerFieldTwo: "Ünï",
      }),
    ).toEqual({
      id,
      customSearchableCustomerFieldOne: "a",
      customNonSearchableCustomerFieldOne: "",
      customSearchableCustomerFieldTwo: "Ünï",
    });
    expect(await store.updateCustomer(id, {})).toEqual(await store.getCustomer(id));
    // A null is "not sent" (the runtime drops it first; a store reads it the same way): nothing wiped.
    const unchanged = await store.getCustomer(id);
    expect(await store.updateCustomer(id, { customSearchableCustomerFieldOne: null } as never)).toEqual(unchanged);
    expect(await store.createCustomer({ customSearchableCustomerFieldTwo: null } as never)).toEqual({
      id: expect.any(String),
    });
    expect(await store.updateCustomer("cus_unknown", { customSearchableCustomerFieldOne: "x" })).toBeUndefined();
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
      made.push(
        (await store.createCustomer({ customSearchableCustomerFieldOne: one, customSearchableCustomerFieldTwo: two }))
          .id,
      );
    }
    const ids = (list: { id: string }[]) => list.map((c) => c.id);
    expect(ids(await store.searchCustomers({ customSearchableCustomerFieldOne: "@jane" }, 100))).toEqual([
      made[2],
      made[1],
      made[0],
    ]);
    expect(
      ids(
        await store.searchCustomers(
          { customSearchableCustomerFieldOne: "@JANE", customSearchableCustomerFieldTwo: "A-1" },
          100,
        ),
      ),
    ).toEqual([made[1], made[0]]);
    expect(ids(await store.searchCustomers({ customSearchableCustomerFieldOne: "@jane" }, 2))).toEqual([
      made[2],
      made[1],
    ]);
    expect(ids(await store.searchCustomers({ customSearchableCustomerFieldOne: "zoë" }, 100))).toEqual([made[4]]); // beyond ASCII too
    expect(await store.searchCustomers({ customSearchableCustomerFieldOne: "@jan" }, 100)).toEqual([]);
  });

  it("best match: by how many facts equal a searchable field, newest first among equals, nobody scoring zero", async () => {
    const one = await store.createCustomer({
      customSearchableCustomerFieldOne: "@jane",
      customSearchableCustomerFieldTwo: "acme-1",
    });
    const two = await store.createCustomer({ customSearchableCustomerFieldOne: "@JANE" });
    const three = await store.createCustomer({
      customSearchableCustomerFieldTwo: "ACME-1",
      customNonSearchableCustomerFieldOne: "@jane",
    });
    await store.createCustomer({ customNonSearchableCustomerFieldOne: "acme-1" }); // only a non-searchable field: never a match
    const ranked = await store.bestMatchCustomers(["@jane", "acme-1", "nobody"], 10);
    expect(ranked.map((c) => c.id)).toEqual([one.id, three.id, two.id]);
    expect((await store.bestMatchCustomers(["@jane", "acme-1"], 1)).map((c) => c.id)).toEqual([one.id]);
    expect(await store.bestMatchCustomers(["nobody"], 10)).toEqual([]);
    expect(await store.bestMatchCustomers([], 10)).toEqual([]);
  });

  it("creates open cases with their interactions in order, kept whole, and rising numbers, for customers that exist only", async () => {
    const { id: customerId } = await store.createCustomer({});
    const first = await store.createCase({
      customerId,
      title: "First",
      interactions: [interaction(1), interaction(2), interaction(3)],
      customCasePropertyOne: "",
    });
    const second = await store.createCase({ customerId, title: "Second", description: "Long ✓" });
    expect(first).toMatchObject({
      customerId,
      title: "First",
      description: "",
      status: "open",
      interactions: [interaction(1), interaction(2), interaction(3)],
      customCasePropertyOne: "",
    });
    expect(first!.customCasePropertyTwo).toBeUndefined();
    expect(first!.created).toBe(first!.lastUpdated);
    expect(Number(second!.number)).toBeGreaterThan(Number(first!.number));
    expect(second!.number).toMatch(/^\d{8}$/);
    expect(await store.getCase(first!.id)).toEqual(first);
    expect(await store.createCase({ customerId: "cus_unknown", title: "x" })).toBeUndefined();
    expect(await store.getCase("case_unknown")).toBeUndefined();
  });

  it("updates a case: only what is given, interactions added after its own, status, and lastUpdated moves on", async () => {
    const { id: customerId } = await store.createCustomer({});
    const created = (await store.createCase({ customerId, title: "Open", interactions: [interaction(1)] }))!;
    await new Promise((resolve) => setTimeout(resolve, 2));
    const updated = await store.updateCase(created.id, {
      status: "closed",
      interactions: [interaction(2), interaction(3)],
      customCasePropertyTwo: "x",
    });
    expect(updated).toMatchObject({
      title: "Open",
      status: "closed",
      customCasePropertyTwo: "x",
      interactions: [interaction(1), interaction(2), interaction(3)],
    });
    expect(updated!.lastUpdated > created.lastUpdated).toBe(true);
    expect(
      await store.updateCase(created.id, {
        title: null,
        description: null,
        status: null,
        customCasePropertyTwo: null,
      } as never),
    ).toMatchObject({
      title: "Open",
      description: "",
      status: "closed",
      customCasePropertyTwo: "x",
    });
    expect(await store.getCase(created.id)).toMatchObject({
      customerId,
      interactions: [interaction(1), interaction(2), interaction(3)],
    });
    expect(await store.updateCase("case_unknown", { title: "x" })).toBeUndefined();
  });

  it("lists a customer's cases newest first, [] for none, and tells an unknown customer", async () => {
    const { id: customerId } = await store.createCustomer({});
    const { id: lonely } = await store.createCustomer({});
    const cases = [];
    for (const title of ["a", "b", "c"]) cases.push((await store.createCase({ customerId, title }))!.id);
    expect((await store.listCases(customerId))!.map((c) => c.id)).toEqual(cases.reverse());
    expect(await store.listCases(lonely)).toEqual([]);
    expect(await store.listCases("cus_unknown")).toBeUndefined();
  });

  it("concurrent creates and updates of one record: every create kept, every interaction added, none lost", async () => {
    const customers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.createCustomer({ customSearchableCustomerFieldOne: `c${i}` })),
    );
    expect(new Set(customers.map((c) => c.id)).size).toBe(50);
    const { id: customerId } = customers[0]!;
    const crmCase = (await store.createCase({ customerId, title: "busy" }))!;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.updateCase(crmCase.id, { interactions: [interaction(i)] })),
    );
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.updateCustomer(customerId, { customNonSearchableCustomerFieldOne: `v${i}` }),
      ),
    );
    expect((await store.getCase(crmCase.id))!.interactions.map((i) => i.serviceId).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => String(i)).sort(),
    );
    expect((await store.getCustomer(customerId))!.customNonSearchableCustomerFieldOne).toMatch(/^v\d+$/);
  });

  it("gives every record an id that is unique, unguessable (80 random bits after the time) and in the order it was made", async () => {
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
  });
});

describe.each(storesUnderTest)("the $name store's failure events", ({ open, cleanUp }) => {
  let store: CrmStore;
  beforeEach(async () => {
    store = await open();
  });
  afterEach(async () => {
    await store.close();
    await cleanUp();
  });

  it("keeps each event whole, once per trackingId, found by it, listed newest first up to the limit", async () => {
    const fixtures = ["spec-refuses.json", "crm-answered-500.json", "succeeds-now.json"];
    const events = fixtures.map((fixture, i) => failureEvent(fixture, `t-${i} ✓`));
    const day = (n: number) => `2026-12-0${n}T10:00:00.000Z`;
    for (const [i, event] of events.entries()) expect(await store.addFailureEvent(event, day(i + 1))).toBe(true);
    expect(await store.getFailureEvent("t-1 ✓")).toEqual({ receivedAt: day(2), event: events[1] });
    expect(await store.getFailureEvent("t-9")).toBeUndefined();
    const latest = await store.listFailureEvents(2);
    expect(latest.map((stored) => stored.event.trackingId)).toEqual(["t-2 ✓", "t-1 ✓"]);
    expect(latest[0]).toEqual({ receivedAt: day(3), event: events[2] });
    // The same trackingId again, even with another body, changes nothing.
    expect(await store.addFailureEvent({ ...events[2]!, trackingId: "t-0 ✓", operation: "changed" })).toBe(false);
    expect(await store.getFailureEvent("t-0 ✓")).toEqual({ receivedAt: day(1), event: events[0] });
    expect(await store.listFailureEvents(10)).toHaveLength(3);
  });

  it("keeps one of several posts of one trackingId at once, and any text (Unicode, U+0000) in an event", async () => {
    const event = failureEvent("crm-answered-500.json", "same");
    event.description = "Zoë 日本語 😀 \u0000 \u00010 end";
    const added = await Promise.all(Array.from({ length: 10 }, () => store.addFailureEvent(event)));
    expect(added.filter(Boolean)).toHaveLength(1);
    expect((await store.getFailureEvent("same"))!.event).toEqual(event);
    expect(await store.listFailureEvents(10)).toHaveLength(1);
  });
});

describe.skipIf(!postgresAvailable)("the PostgreSQL store, several opened at once on one database", () => {
  it("each migrates without error (one at a time, under the advisory lock), and what one writes the others read", async () => {
    const database = await createScratchDatabase();
    const opening = await Promise.allSettled(Array.from({ length: 4 }, () => PostgresCrmStore.open(database.config)));
    try {
      const stores = opening.map((result) =>
        result.status === "fulfilled" ? result.value : expect.fail(String(result.reason)),
      );
      const customer = await stores[0]!.createCustomer({ customSearchableCustomerFieldOne: "Shared" });
      const crmCase = await stores[1]!.createCase({ customerId: customer.id, title: "seen by all" });
      for (const store of stores) {
        expect(await store.searchCustomers({ customSearchableCustomerFieldOne: "shared" }, 10)).toEqual([customer]);
        expect(await store.listCases(customer.id)).toEqual([crmCase]);
      }
    } finally {
      await Promise.all(opening.map((result) => result.status === "fulfilled" && result.value.close()));
      await database.drop();
    }
  });
});
