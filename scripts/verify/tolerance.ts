// Khoros is never refused (contract 2.2.0): the calls Khoros may make that a stricter reading than the
// vendor's would refuse, each with the status the contract gives it and what a CRM keeping state must show
// for it; and the two a case's customer still refuses. Written once: verify runs them, and
// test/tolerance.test.ts has verify send them to the reference CRM and the mock, then reads the store.
// ./tolerance-checks.ts makes them checks.
import { errorCatalogue } from "../../generated/server.js";
import { type CallOptions, customerFields, type JsonBody, searchableFields } from "./calls.js";
import { idOf, type World } from "./check.js";
import { differing, expectThat, ids, type Json, kept, withPath } from "./journey-step.js";
import type { OperationId } from "./spec-facts.js";

export interface ToleranceCall {
  /** Also the name its answer's body is kept under in the world. */
  rule: string;
  operationId: OperationId;
  status: number;
  writes?: boolean;
  /** Only a server applying the contract's rules answers it so (a mock of the spec does not): not --stateless. */
  needsState?: boolean;
  options(world: World): CallOptions | string;
  /** What is wrong with the body, on a server that keeps state. */
  judge?(body: any, world: World): string[];
}

const [searchable, otherSearchable] = searchableFields;
const [plain, otherPlain] = customerFields.filter((field) => !field.searchable);
const tolerantValue = (world: World) => `${world.prefix}-Tolerant`;
const tolerantCustomer = "a null field is not sent: 201, the null stored nowhere";
const secondCustomer = "a null for a property the body does not list is not sent: 201";
const longThread =
  "a case named by customId, interactions without linkUrl, with Java dates and unlisted properties, " +
  "a thread of about 660 KiB: 201";
const javaDate = "Thu Sep 13 09:14:00 UTC 2018";

/** An interaction as Khoros may send it: no linkUrl, a date as Java writes it, properties the spec does not list. */
export const tolerantInteraction = (n: number) => ({
  created: javaDate,
  body: `Post ${n} of a long thread. ${"·".repeat(600)}`,
  serviceId: `post-${n}`,
  service: "twitter",
  contentType: "post",
  sentiment: { label: "<b>negative</b>", score: -0.7 },
  author: {
    service: "twitter",
    serviceId: "42",
    handle: "jane",
    name: "Jane",
    brandOwned: false,
    followers: 1200,
    verified: null,
  },
});

/** The id of the record a call kept, or why there is none (a text starting with "no "). */
const idIn = (world: World, name: string): string => {
  const record = kept(world, name);
  return typeof record === "string" ? record : (idOf(record) ?? `no ${name}: its call did not pass`);
};
/** Options whose body needs a kept record's id, or why there is none. */
const using = (world: World, name: string, body: (id: string) => Json): CallOptions | string => {
  const id = idIn(world, name);
  return id.startsWith("no ") ? id : { body: body(id) };
};

export const toleranceCalls: ToleranceCall[] = [
  {
    rule: tolerantCustomer,
    operationId: "createCustomer",
    status: 201,
    writes: true,
    options: (world) => ({
      body: { [searchable!.name]: tolerantValue(world), [plain!.name]: null, [otherPlain!.name]: "kept" },
    }),
    judge: (body: Json, world) => [
      ...expectThat(
        !(plain!.name in body),
        `${plain!.name} is ${JSON.stringify(body[plain!.name])}: a null is not stored`,
      ),
      ...differing(body, { [searchable!.name]: tolerantValue(world), [otherPlain!.name]: "kept" }),
    ],
  },
  {
    rule: secondCustomer,
    operationId: "createCustomer",
    status: 201,
    writes: true,
    needsState: true, // a mock validates the body as it comes, its nulls included
    options: (world) => ({ body: { [searchable!.name]: `${world.prefix}-second`, verifyUnlistedProperty: null } }),
    judge: (body: Json) => expectThat(!("verifyUnlistedProperty" in body), "the unlisted null was answered back"),
  },
  {
    rule: `a null never wipes a field, "" sets it empty: 201`,
    operationId: "updateCustomer",
    status: 201,
    writes: true,
    options: (world) => withPath(world, tolerantCustomer, { [otherPlain!.name]: null, [otherSearchable!.name]: "" }),
    judge: (body: Json) => differing(body, { [otherPlain!.name]: "kept", [otherSearchable!.name]: "" }),
  },
  {
    rule: "a null is no search criterion: 200",
    operationId: "searchCustomers",
    status: 200,
    options: (world) =>
      using(world, tolerantCustomer, () => ({
        [searchable!.name]: tolerantValue(world).toLowerCase(),
        [otherSearchable!.name]: null,
      })),
    judge: (body, world) =>
      expectThat(ids(body).join() === idIn(world, tolerantCustomer), `found ${JSON.stringify(ids(body))}`),
  },
  {
    rule: "a search with no criterion, {}, finds nobody: 204",
    operationId: "searchCustomers",
    status: 204,
    options: () => ({ body: {} }),
  },
  {
    rule: "a search with only nulls finds nobody: 204",
    operationId: "searchCustomers",
    status: 204,
    options: () => ({ body: { [searchable!.name]: null } }),
  },
  {
    rule: "a best-match profile with properties the spec does not list: 200",
    operationId: "bestmatchCustomers",
    status: 200,
    options: (world) => ({
      body: {
        screenName: tolerantValue(world).toUpperCase(),
        avatarUrl: "https://social.example/a.png",
        addresses: [{ city: null, country: "US" }],
      },
    }),
  },
  {
    rule: longThread,
    operationId: "createCase",
    status: 201,
    writes: true,
    options: (world) =>
      using(
        world,
        tolerantCustomer,
        (id) =>
          ({
            customId: id,
            title: `${world.prefix} a long thread`,
            description: null,
            interactions: Array.from({ length: 440 }, (_, n) => tolerantInteraction(n)),
          }) satisfies JsonBody<"createCase">,
      ),
    judge: (body: Json, world) => [
      ...differing(body, { customerId: idIn(world, tolerantCustomer), status: "open" }),
      ...expectThat(body.interactions?.length === 440, `${body.interactions?.length} interactions, not 440`),
      ...expectThat(
        body.interactions?.[0]?.created === javaDate,
        `created is ${JSON.stringify(body.interactions?.[0]?.created)}, not as sent`,
      ),
    ],
  },
  {
    rule: "the case named by customId is listed under its customer",
    operationId: "findCases",
    status: 200,
    options: (world) => withPath(world, tolerantCustomer),
    judge: (body, world) =>
      expectThat(ids(body).includes(idIn(world, longThread)), `listed ${JSON.stringify(ids(body))}`),
  },
  {
    rule: "updateCase with the vendor's customId and title, the case's own customer: 201, nothing moved",
    operationId: "updateCase",
    status: 201,
    writes: true,
    options: (world) => {
      const customer = idIn(world, tolerantCustomer);
      return customer.startsWith("no ")
        ? customer
        : withPath(world, longThread, { customId: customer, title: `${world.prefix} answered`, status: null });
    },
    judge: (body: Json, world) =>
      differing(body, { customerId: idIn(world, tolerantCustomer), title: `${world.prefix} answered`, status: "open" }),
  },
];

/** What 2.2.0 still refuses about a case's customer: a 422 naming the fields at fault. */
export const refusedCalls: (ToleranceCall & { names: string[]; code: string })[] = [
  {
    rule: "createCase with customerId and customId naming different customers: 422 naming both",
    operationId: "createCase",
    status: 422,
    names: ["customerId", "customId"],
    code: errorCatalogue.customerIdsDiffer.error,
    writes: true,
    options: (world) => {
      const [one, other] = [idIn(world, tolerantCustomer), idIn(world, secondCustomer)];
      return (
        [one, other].find((id) => id.startsWith("no ")) ?? {
          body: { customerId: one, customId: other, title: `${world.prefix} refused` },
        }
      );
    },
  },
  {
    rule: "updateCase naming another customer than the case's own: 422 (a case does not move)",
    operationId: "updateCase",
    status: 422,
    names: ["customId"],
    code: errorCatalogue.caseCustomerFixed.error,
    writes: true,
    options: (world) => {
      const other = idIn(world, secondCustomer);
      return other.startsWith("no ") ? other : withPath(world, longThread, { customId: other });
    },
  },
];
