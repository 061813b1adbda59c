// Every error example in the spec is exactly what the server answers in its situation, code and message,
// in JSON and in plain text: so the Prism mock (which serves the examples) and the server say the same
// words. Each example's situation is a request in the table below; an example without one fails.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeys, startTestServer, type TestServer } from "./support/server.js";
import { deref, loadSpec, type ResponseObject, unmatchedResponses } from "./support/spec.js";

interface Situation {
  method?: string;
  path?: string;
  body?: string;
  apiKey?: string | null;
  accept?: string;
  /** Sent to a server whose handler throws. */
  failing?: boolean;
}

const situations: Record<string, Situation> = {
  UnknownField: { body: JSON.stringify({ favouriteColour: "teal" }) },
  MalformedJson: { body: '{"customSearchableCustomerFieldOne": ' },
  InvalidApiKey: { apiKey: null },
  NotAcceptable: { accept: "image/png" },
  PayloadTooLarge: { body: JSON.stringify({ customSearchableCustomerFieldOne: "x".repeat(64 * 1024) }) },
  FieldValidation: { body: JSON.stringify({ customNonSearchableCustomerFieldTwo: 2, customSearchableCustomerFieldOne: 42 }) },
  UnexpectedError: { failing: true },
  NotFound: { method: "GET", path: "/customers/cus_0192f3a1c2d47e8a9b3c4d5e6f708192" },
  MethodNotAllowed: { method: "GET", path: "/customer" },
};

interface ErrorExample {
  name: string;
  status: number;
  json: { error: string; message: string };
  /** The plain-text example; none where the response is JSON only (406). */
  text?: string;
}

const spec = loadSpec();
const exampleName = (ref: string) => ref.split("/").pop()!;

/** Every error example of a response, with its status and its plain-text twin. */
function examplesOf(status: number, response: ResponseObject): ErrorExample[] {
  if (status < 400) return [];
  const json = response.content["application/json"]?.examples ?? {};
  const text = response.content["text/plain"]?.examples ?? {};
  return Object.entries(json).map(([key, example]) => ({
    name: exampleName(example.$ref!),
    status,
    json: deref<{ value: ErrorExample["json"] }>(spec, example).value,
    text: text[key] && deref<{ value: string }>(spec, text[key]).value,
  }));
}

const operationExamples = Object.values(spec.paths).flatMap((item: any) =>
  Object.values(item).flatMap((op: any) =>
    Object.entries(op.responses).flatMap(([status, response]) => examplesOf(Number(status), deref<ResponseObject>(spec, response))),
  ),
);
const unmatchedExamples = Object.entries(unmatchedResponses).flatMap(([status, name]) =>
  examplesOf(Number(status), deref<ResponseObject>(spec, spec.components.responses[name])),
);
const examples = [...new Map([...operationExamples, ...unmatchedExamples].map((e) => [e.name, e])).values()];

let server: TestServer;
let failing: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  failing = await startTestServer({
    handlers: {
      createCustomer: () => {
        throw new Error("the database is down");
      },
    },
  });
});
afterAll(async () => {
  await server.close();
  await failing.close();
});

async function answer(situation: Situation, accept: string) {
  const headers: Record<string, string> = { "Content-Type": "application/json", Accept: situation.accept ?? accept };
  if (situation.apiKey !== null) headers.Authorization = situation.apiKey ?? apiKeys.primary;
  const method = situation.method ?? "POST";
  const response = await fetch(`${(situation.failing ? failing : server).url}${situation.path ?? "/customer"}`, {
    method,
    headers,
    body: method === "GET" ? undefined : (situation.body ?? "{}"),
  });
  return { status: response.status, text: await response.text() };
}

describe("the spec's error examples", () => {
  it("cover every error status of the spec, with at least one example each", () => {
    expect(examples.length).toBeGreaterThanOrEqual(Object.keys(situations).length);
  });

  it.each(examples)("$name ($status) is what the server answers in its situation", async (example) => {
    const situation = situations[example.name];
    expect(situation, `add the situation of the example ${example.name} to this test's table`).toBeDefined();
    const json = await answer(situation!, "application/json");
    expect(json.status).toBe(example.status);
    expect(JSON.parse(json.text)).toEqual(example.json);
    if (example.text === undefined) return;
    const text = await answer(situation!, "text/plain");
    expect(text.status).toBe(example.status);
    expect(text.text).toBe(example.text);
  });
});
