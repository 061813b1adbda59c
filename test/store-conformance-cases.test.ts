// The store conformance suite (see store-conformance.test.ts), on cases: created open with their interactions
// in order, updated by only what is given, listed newest first; and concurrent writes to one record.
import { describe, expect, it } from "vitest";
import type { CrmStore } from "../reference-crm/stores/store.js";
import { interaction, openForEachTest, storesUnderTest } from "./support/stores-under-test.js";
import { caseFieldOne, caseFieldTwo, notSearchableOne, searchableOne } from "./support/fields.js";

describe.each(storesUnderTest)("the $name store", (underTest) => {
  let store: CrmStore;
  openForEachTest(underTest, (opened) => (store = opened));

  it(
    "creates open cases with their interactions in order, kept whole, and rising numbers, " +
      "for customers that exist only",
    async () => {
      const { id: customerId } = await store.createCustomer({});
      const first = await store.createCase({
        customerId,
        title: "First",
        interactions: [interaction(1), interaction(2), interaction(3)],
        [caseFieldOne]: "",
      });
      const second = await store.createCase({ customerId, title: "Second", description: "Long ✓" });
      expect(first).toMatchObject({
        customerId,
        title: "First",
        description: "",
        status: "open",
        interactions: [interaction(1), interaction(2), interaction(3)],
        [caseFieldOne]: "",
      });
      expect(first![caseFieldTwo]).toBeUndefined();
      expect(first!.created).toBe(first!.lastUpdated);
      expect(Number(second!.number)).toBeGreaterThan(Number(first!.number));
      expect(second!.number).toMatch(/^\d{8}$/);
      expect(await store.getCase(first!.id)).toEqual(first);
      expect(await store.createCase({ customerId: "cus_unknown", title: "x" })).toBeUndefined();
      expect(await store.getCase("case_unknown")).toBeUndefined();
    },
  );

  it(
    "updates a case: only what is given, interactions added after its own, " + "status, and lastUpdated moves on",
    async () => {
      const { id: customerId } = await store.createCustomer({});
      const created = (await store.createCase({ customerId, title: "Open", interactions: [interaction(1)] }))!;
      await new Promise((resolve) => setTimeout(resolve, 2));
      const updated = await store.updateCase(created.id, {
        status: "closed",
        interactions: [interaction(2), interaction(3)],
        [caseFieldTwo]: "x",
      });
      expect(updated).toMatchObject({
        title: "Open",
        status: "closed",
        [caseFieldTwo]: "x",
        interactions: [interaction(1), interaction(2), interaction(3)],
      });
      expect(updated!.lastUpdated > created.lastUpdated).toBe(true);
      expect(
        await store.updateCase(created.id, {
          title: null,
          description: null,
          status: null,
          [caseFieldTwo]: null,
        } as never),
      ).toMatchObject({
        title: "Open",
        description: "",
        status: "closed",
        [caseFieldTwo]: "x",
      });
      expect(await store.getCase(created.id)).toMatchObject({
        customerId,
        interactions: [interaction(1), interaction(2), interaction(3)],
      });
      expect(await store.updateCase("case_unknown", { title: "x" })).toBeUndefined();
    },
  );

  it("lists a customer's cases newest first, [] for none, and tells an unknown customer", async () => {
    const { id: customerId } = await store.createCustomer({});
    const { id: lonely } = await store.createCustomer({});
    const cases = [];
    for (const title of ["a", "b", "c"]) cases.push((await store.createCase({ customerId, title }))!.id);
    expect((await store.listCases(customerId))!.map((c) => c.id)).toEqual(cases.reverse());
    expect(await store.listCases(lonely)).toEqual([]);
    expect(await store.listCases("cus_unknown")).toBeUndefined();
  });

  it(
    "concurrent creates and updates of one record: " + "every create kept, every interaction added, none lost",
    async () => {
      const customers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.createCustomer({ [searchableOne]: `c${i}` })),
      );
      expect(new Set(customers.map((c) => c.id)).size).toBe(50);
      const { id: customerId } = customers[0]!;
      const crmCase = (await store.createCase({ customerId, title: "busy" }))!;
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.updateCase(crmCase.id, { interactions: [interaction(i)] })),
      );
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.updateCustomer(customerId, { [notSearchableOne]: `v${i}` })),
      );
      expect((await store.getCase(crmCase.id))!.interactions.map((i) => i.serviceId).sort()).toEqual(
        Array.from({ length: 20 }, (_, i) => String(i)).sort(),
      );
      expect((await store.getCustomer(customerId))![notSearchableOne]).toMatch(/^v\d+$/);
    },
  );
});
