// Every error example in the spec is exactly what the server answers in its situation, code and message,
// in JSON and in plain text: so the Prism mock (which serves the examples) and the server say the same
// words. Each example's situation is a request in the table below, by the example's name; an example without one
// fails. (The text/plain examples are derived from the JSON ones by `x-text-from` when the spec is bundled.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHandlers } from "../reference-crm/handlers.js";
import { defaultBodyLimit } from "../src/response.js";
import { MemoryCrmStore } from "../reference-crm/stores/memory.js";
import { send } from "./support/operations.js";
import { apiKeys, publicUrl, startTestServer, type TestServer } from "./support/server.js";
import { model, unmatchedResponses } from "./support/spec.js";
import { notSearchableTwo, searchableOne } from "./support/fields.js";

interface Situation {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent without Authorization. */
  noKey?: boolean;
  /** Sent to a server whose createCustomer handler throws. */
  failing?: boolean;
}

const noCustomer = "cus_0192f3a1c2d47e8a9b3c4d5e6f700000";
const situations: Record<string, Situation> = {
  unknownField: { method: "POST", path: "/customer", body: { favouriteColour: "teal" } },
  malformedJson: { method: "POST", path: "/customer", body: `{"${searchableOne}": ` },
  fieldValidation: {
    method: "POST",
    path: "/customer",
    body: { [notSearchableTwo]: 2, [searchableOne]: 42 },
  },
  searchFieldNotAString: { method: "POST", path: "/customers", body: { [searchableOne]: 42 } },
  phoneNumbersNotAnArray: { method: "POST", path: "/customer/bestmatch", body: { phoneNumbers: "+1 512 555 0100" } },
  initiativeNotAnInteger: { method: "GET", path: `/customer/${noCustomer}`, headers: { "x-sf-initiative": "eight" } },
  customerNotFound: { method: "GET", path: `/customer/${noCustomer}` },
  unknownCaseField: {
    method: "POST",
    path: "/case",
    body: { customerId: noCustomer, title: "t", favouriteColour: "teal" },
  },
  unknownCustomerId: { method: "POST", path: "/case", body: { customerId: noCustomer, title: "Broken order" } },
  customerNotNamed: { method: "POST", path: "/case", body: { customerId: null, title: "Broken order" } },
  customerIdsDiffer: {
    method: "POST",
    path: "/case",
    body: { customerId: "cus_0192f3a1c2d47e8a9b3c4d5e6f708192", customId: noCustomer, title: "Broken order" },
  },
  caseFieldValidation: {
    method: "POST",
    path: "/case",
    body: { customerId: noCustomer, title: 42 },
    headers: { "x-sf-company-id": "acme" },
  },
  initiativeValidation: {
    method: "GET",
    path: "/case/case_0192f3a1d0e47e8a9b3c4d5e6f700000",
    headers: { "x-sf-initiative": "eight" },
  },
  caseNotFound: { method: "GET", path: "/case/case_0192f3a1d0e47e8a9b3c4d5e6f700000" },
  metaTypeNotSupported: { method: "GET", path: "/meta/object/order" },
  invalidApiKey: { method: "POST", path: "/customer", body: {}, noKey: true },
  notAcceptable: { method: "POST", path: "/customer", body: {}, headers: { Accept: "image/png" } },
  payloadTooLarge: {
    method: "POST",
    path: "/customer",
    body: { [searchableOne]: "x".repeat(defaultBodyLimit) },
  },
  unexpectedError: { method: "POST", path: "/customer", body: {}, failing: true },
  notFound: { method: "GET", path: "/customers/cus_0192f3a1c2d47e8a9b3c4d5e6f708192" },
  methodNotAllowed: { method: "GET", path: "/customer" },
};

interface ErrorExample {
  name: string;
  status: number;
  json: unknown;
  /** The plain-text twin; none where the response is JSON only (406). */
  text?: string;
}

/** Every error example of a response, with its status and its plain-text twin. */
function examplesOf(status: number, content: Record<string, { examples?: Record<string, unknown> }>): ErrorExample[] {
  if (status < 400) return [];
  const json = content["application/json"]?.examples ?? {};
  const text = content["text/plain"]?.examples ?? {};
  return Object.entries(json).map(([key, example]) => ({
    name: key,
    status,
    json: model.example(example),
    text: text[key] === undefined ? undefined : (model.example(text[key]) as string),
  }));
}

const fromOperations = model.operations.flatMap((op) => op.responses.flatMap((r) => examplesOf(r.status, r.content)));
const fromUnmatched = Object.entries(unmatchedResponses).flatMap(([status, name]) =>
  examplesOf(Number(status), model.sharedResponse(name)!.content),
);
const examples = [...new Map([...fromOperations, ...fromUnmatched].map((e) => [e.name, e])).values()];

let server: TestServer;
let failing: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  const handlers = createHandlers({ store: new MemoryCrmStore(), publicUrl });
  failing = await startTestServer({
    handlers: { ...handlers, createCustomer: () => Promise.reject(new Error("the database is down")) },
  });
});
afterAll(async () => {
  await server.close();
  await failing.close();
});

function answer(situation: Situation, accept: string) {
  const headers: Record<string, string> = { "Content-Type": "application/json", Accept: accept, ...situation.headers };
  if (!situation.noKey) headers.Authorization = apiKeys.primary;
  const body =
    situation.body === undefined
      ? undefined
      : typeof situation.body === "string"
        ? situation.body
        : JSON.stringify(situation.body);
  return send((situation.failing ? failing : server).url, {
    method: situation.method,
    path: situation.path,
    headers,
    body,
  });
}

describe("the spec's error examples", () => {
  it("are many: every error response of every operation has at least one", () => {
    expect(examples.length).toBeGreaterThanOrEqual(Object.keys(situations).length);
  });

  it.each(examples)("$name ($status) is what the server answers in its situation", async (example) => {
    const situation = situations[example.name];
    expect(situation, `add the situation of the example ${example.name} to this test's table`).toBeDefined();
    const json = await answer(situation!, "application/json");
    expect(json.status).toBe(example.status);
    expect(json.body).toEqual(example.json);
    if (example.text === undefined) return;
    const text = await answer(situation!, "text/plain");
    expect(text.status).toBe(example.status);
    expect(text.text).toBe(example.text);
  });
});
