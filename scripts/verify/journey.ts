// The contract's semantics, which no schema states, as the agent's journey plays them: what was created is
// found, searched case-insensitively by whole value, updated field by field (here); a new case is open, a
// customer's cases come newest first, their interactions in order, a case closes and reopens
// (./journey-cases.ts). Each step also gets its documented status and a body valid against the spec.
import { randomBytes } from "node:crypto";
import { customerFields, type JsonBody, newCustomer, searchableFields } from "./calls.js";
import { type Check, idOf, type World } from "./check.js";
import { caseSteps } from "./journey-cases.js";
import { differing, expectThat, ids, type Json, kept, step, withPath } from "./journey-step.js";

const [searchable] = searchableFields;

function customerSteps(): Check[] {
  return [
    step("bestmatchCustomers", {
      rule: "a profile that matches nobody: 200 and an empty list",
      statuses: [200],
      options: (world) => ({
        body: {
          screenName: `@${world.prefix}-nobody-${randomBytes(3).toString("hex")}`,
        } satisfies JsonBody<"bestmatchCustomers">,
      }),
      judge: (body) => expectThat(Array.isArray(body) && body.length === 0, `matched ${JSON.stringify(ids(body))}`),
    }),
    step("createCustomer", {
      rule: "a new customer is answered with its fields as sent",
      statuses: [201],
      writes: true,
      keep: "journey customer",
      options: (world) => ({ body: newCustomer(world, "Journey") }),
      judge: (body, world) => differing(body, newCustomer(world, "Journey")),
    }),
    step("searchCustomers", {
      rule: "search finds the new customer by a searchable field, ignoring case",
      statuses: [200],
      options: (world) => {
        const customer = kept(world, "journey customer");
        return typeof customer === "string"
          ? customer
          : { body: { [searchable!.name]: String(customer[searchable!.name]).toUpperCase() } };
      },
      judge: (body, world) =>
        expectThat(ids(body)[0] === idOf(world.kept.get("journey customer")), `found ${JSON.stringify(ids(body))}`),
    }),
    step("searchCustomers", {
      rule: "search matches whole values only: a part of the value finds nobody (204)",
      statuses: [204],
      options: (world) => {
        const customer = kept(world, "journey customer");
        return typeof customer === "string"
          ? customer
          : { body: { [searchable!.name]: String(customer[searchable!.name]).slice(0, -4) } };
      },
      judge: () => [],
    }),
  ];
}

function findAndUpdateSteps(): Check[] {
  return [
    step("findCustomer", {
      rule: "the new customer is found as it was created",
      statuses: [200],
      options: (world) => withPath(world, "journey customer"),
      judge: (body, world) => differing(body, newCustomer(world, "Journey")),
    }),
    step("updateCustomer", {
      rule: "an update changes only the fields given",
      statuses: [201],
      writes: true,
      options: (world) => withPath(world, "journey customer", updateOf(world)),
      judge: (body, world) => differing(body, { ...newCustomer(world, "Journey"), ...updateOf(world) }),
    }),
    step("findCustomer", {
      rule: "the update is kept, and the fields not given are unchanged",
      statuses: [200],
      options: (world) => withPath(world, "journey customer"),
      judge: (body, world) => differing(body, { ...newCustomer(world, "Journey"), ...updateOf(world) }),
    }),
  ];
}

/** The journey's update: one field that is not searchable. */
const updateOf = (world: World): Json => {
  const field = customerFields.find((f) => !f.searchable && f.type !== "checkbox");
  return field ? { [field.name]: `${world.prefix} VIP` } : {};
};

/** The whole journey, in the order an agent plays it. */
export const journeyChecks = (): Check[] => [...customerSteps(), ...findAndUpdateSteps(), ...caseSteps()];
