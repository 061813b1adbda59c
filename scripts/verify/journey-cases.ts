// The journey's cases: a new case is open with its interactions in order; a customer's cases come newest
// first; an update adds interactions after the case's own; a case closes and reopens (its `status` in an
// update is a kit addition, so those two steps warn); and the meta operation answers each object's fields.
import { objectStructures } from "../../generated/server.js";
import { caseProperties, interaction, type JsonBody } from "./calls.js";
import { type Check, idOf, type World } from "./check.js";
import { differing, expectThat, ids, type Json, kept, serviceIds, step, withPath } from "./journey-step.js";
import { objectTypes } from "./spec-facts.js";

/** A case of the journey's customer, with two interactions. */
function newCase(world: World, title: string): JsonBody<"createCase"> | string {
  const customer = kept(world, "journey customer");
  if (typeof customer === "string") return customer;
  const interactions = [interaction(1, "It arrived broken"), interaction(2, "Sorry to hear that: a case is open")];
  return {
    customerId: idOf(customer)!,
    title: `${world.prefix} ${title}`,
    interactions,
    ...caseProperties(world, title),
  };
}

function createCase(title: string, keep: string): Check {
  return step("createCase", {
    rule: `a new case (${title}) is open, for its customer, its interactions in order`,
    statuses: [201],
    writes: true,
    keep,
    options: (world) => {
      const body = newCase(world, title);
      return typeof body === "string" ? body : { body };
    },
    judge: (body: Json, world) => {
      const sent = newCase(world, title) as Json;
      return [
        ...differing(body, { status: "open", customerId: sent.customerId, title: sent.title }),
        ...expectThat(serviceIds(body) === "post-1,post-2", `interactions ${serviceIds(body)}, not post-1,post-2`),
      ];
    },
  });
}

function updateCase(
  rule: string,
  change: Json,
  expected: (world: World) => Json,
  options: { warn?: boolean } = {},
): Check {
  return step("updateCase", {
    rule,
    statuses: [201],
    writes: true,
    ...(options.warn ? { severity: "warn" as const } : {}),
    options: (world) => withPath(world, "journey case", change),
    judge: (body: Json, world) => {
      const { interactions, ...fields } = expected(world);
      const order =
        interactions === undefined || serviceIds(body) === interactions
          ? []
          : [`interactions ${serviceIds(body)}, not ${interactions}`];
      return [...differing(body, fields), ...order];
    },
  });
}

function metaSteps(): Check[] {
  return objectTypes.map((type) =>
    step("defineObjectStructures", {
      rule: `the ${type}'s custom fields, as the spec declares them`,
      statuses: [200],
      options: () => ({ pathValue: type }),
      judge: (body: Json) => {
        const names = (body.fields as Json[] | undefined)?.map((f) => f.name).join(",");
        const declared = objectStructures[type as keyof typeof objectStructures].fields.map((f) => f.name).join(",");
        return [
          ...differing(body, { name: type }),
          ...expectThat(names === declared, `fields ${names}, not ${declared}`),
        ];
      },
    }),
  );
}

export function caseSteps(): Check[] {
  return [
    createCase("first case", "journey case"),
    createCase("second case", "journey second case"),
    step("findCases", {
      rule: "the customer's cases, newest first",
      statuses: [200],
      options: (world) => withPath(world, "journey customer"),
      judge: (body, world) => {
        const made = [idOf(world.kept.get("journey second case")), idOf(world.kept.get("journey case"))];
        const listed = ids(body).filter((id) => made.includes(id));
        return expectThat(
          listed.join() === made.join(),
          `listed ${JSON.stringify(ids(body))}, not ${JSON.stringify(made)} first to last`,
        );
      },
    }),
    step("lookupCase", {
      rule: "a case is found with its interactions in order, as filed",
      statuses: [200],
      options: (world) => withPath(world, "journey case"),
      judge: (body: Json, world) => [
        ...differing(body, { id: idOf(world.kept.get("journey case")), status: "open" }),
        ...expectThat(serviceIds(body) === "post-1,post-2", `interactions ${serviceIds(body)}, not post-1,post-2`),
        ...expectThat(
          body.interactions?.[0]?.body === "It arrived broken",
          "the first interaction's body is not as filed",
        ),
      ],
    }),
    updateCase(
      "an update adds interactions after the case's own",
      { interactions: [interaction(3, "Fixed?")] },
      () => ({
        status: "open",
        interactions: "post-1,post-2,post-3",
      }),
    ),
    updateCase("closing a case (status is a kit addition)", { status: "closed" }, () => ({ status: "closed" }), {
      warn: true,
    }),
    updateCase("reopening a case (status is a kit addition)", { status: "open" }, () => ({ status: "open" }), {
      warn: true,
    }),
    ...metaSteps(),
  ];
}
