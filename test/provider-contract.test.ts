// Provider contract: the stub server behind Prism's validating proxy, for every operation. Valid calls go
// through a strict proxy (`--errors`: any violation becomes a Prism error); invalid ones through a
// reporting proxy, which forwards them and lists every violation in `sl-violations`: the server's answers
// must add none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Handlers } from "../generated/server.js";
import { type RunningPrism, startProxy } from "../scripts/contract/mock.js";
import { defaultBodyLimit } from "../src/response.js";
import { sizeInWords } from "../src/server-errors.js";
import { fillPath, type HttpCall, makeWorld, operationNeeds, type World } from "./support/operations.js";
import { apiKeys, startTestServer, type TestServer } from "./support/server.js";
import { firstExample, model, type OperationModel } from "./support/spec.js";

interface Attempt {
  name: string;
  op: OperationModel;
  /** Headers on top of the key and Content-Type; null removes one. */
  headers?: Record<string, string | null | undefined>;
  /** The body instead of the operation's first example (a function: made once the records exist). */
  body?: unknown | (() => unknown);
  status: number;
}

const bodySchema = (op: OperationModel) => model.flatten(model.requestSchema(op));
/** The first example with every optional property it leaves out sent as null, as Khoros's serializer may. */
const withNulls = (op: OperationModel) => {
  const schema = bodySchema(op);
  const example = needsFixed(op, firstExample(op.requestBody!.content["application/json"]!) as Record<string, unknown>);
  const absent = Object.keys(schema.properties).filter((name) => !schema.required.includes(name) && !(name in example));
  return { ...example, ...Object.fromEntries(absent.map((name) => [name, null])) };
};
const needsFixed = (op: OperationModel, body: Record<string, unknown>) =>
  operationNeeds[op.operationId as keyof Handlers].fixBody?.(body, world) ?? body;
const integerHeader = (op: OperationModel) =>
  op.parameters.some((p) => p.name === "x-sf-initiative" && model.shape(p.schema).types?.[0] === "integer");
const invalidStatus = (op: OperationModel) => (op.responses.some((r) => r.status === 422) ? 422 : 400);
const success = (op: OperationModel) => operationNeeds[op.operationId as keyof Handlers].success[0]!;

const validAttempts: Attempt[] = model.operations.flatMap((op) => [
  { name: `${op.operationId}, its first example`, op, status: success(op) },
  { name: `${op.operationId}, in text/plain`, op, headers: { Accept: "text/plain" }, status: success(op) },
  {
    name: `${op.operationId}, with the rotated key`,
    op,
    headers: { Authorization: apiKeys.rotated },
    status: success(op),
  },
  {
    name: `${op.operationId}, Khoros's headers (an email that is no address${integerHeader(op) ? ", an int64 beyond JavaScript's safe integers" : ", an empty company id"})`,
    op,
    headers: {
      "x-sf-user-email": "agent at example",
      ...(integerHeader(op) ? { "x-sf-initiative": "9223372036854775807" } : { "x-sf-company-id": "" }),
    },
    status: success(op),
  },
  ...(op.requestBody
    ? [
        {
          name: `${op.operationId}, every optional property it leaves out sent as null`,
          op,
          body: () => withNulls(op),
          status: success(op),
        },
        ...(bodySchema(op).closed
          ? []
          : [
              {
                name: `${op.operationId}, a property the spec does not list`,
                op,
                body: () => ({ ...withNulls(op), favouriteColour: "teal" }),
                status: success(op),
              },
            ]),
      ]
    : []),
]);

// Malformed JSON is not here: Prism's own body parser answers it (400, its own body) without forwarding;
// test/server.test.ts covers it.
const invalidAttempts: Attempt[] = model.operations.flatMap((op) => [
  { name: `${op.operationId}, no Authorization`, op, headers: { Authorization: null }, status: 401 },
  { name: `${op.operationId}, an unknown key`, op, headers: { Authorization: "wrong" }, status: 401 },
  { name: `${op.operationId}, an Accept it cannot meet`, op, headers: { Accept: "application/xml" }, status: 406 },
  ...(integerHeader(op)
    ? [
        {
          name: `${op.operationId}, an integer header that is not one`,
          op,
          headers: { "x-sf-initiative": "eight" },
          status: invalidStatus(op),
        },
      ]
    : []),
  ...(op.requestBody
    ? [
        ...(bodySchema(op).closed
          ? [{ name: `${op.operationId}, an unknown property`, op, body: { favouriteColour: "teal" }, status: 400 }]
          : []),
        { name: `${op.operationId}, a JSON array`, op, body: [1], status: 400 },
        { name: `${op.operationId}, a wrong Content-Type`, op, headers: { "Content-Type": "text/plain" }, status: 400 },
        {
          name: `${op.operationId}, a body over ${sizeInWords(defaultBodyLimit)}`,
          op,
          body: { padding: "x".repeat(defaultBodyLimit) },
          status: 413,
        },
      ]
    : []),
]);

interface Violation {
  location: string[];
  message: string;
}

let world: World;

/** The attempt as an HTTP call: the operation's first example, on records that exist. */
function toCall({ op, headers, body }: Attempt): HttpCall {
  const needs = operationNeeds[op.operationId as keyof Handlers];
  const media = op.requestBody?.content["application/json"];
  const example = media
    ? (needs.fixBody?.(firstExample(media) as Record<string, unknown>, world) ?? firstExample(media))
    : undefined;
  const all = { Authorization: apiKeys.primary, ...(media ? { "Content-Type": "application/json" } : {}), ...headers };
  return {
    method: op.method,
    path: fillPath(op.path, needs.path?.(world)),
    headers: Object.fromEntries(
      Object.entries(all).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
    ),
    body:
      body !== undefined
        ? JSON.stringify(typeof body === "function" ? body() : body)
        : example === undefined
          ? undefined
          : JSON.stringify(example),
  };
}

async function send(proxy: RunningPrism, attempt: Attempt) {
  const call = toCall(attempt);
  const response = await fetch(`${proxy.url}${call.path}`, {
    method: call.method,
    headers: call.headers,
    body: call.body,
  });
  const violations = JSON.parse(response.headers.get("sl-violations") ?? "[]") as Violation[];
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    text: await response.text(),
    violations,
  };
}

const responseViolations = (violations: Violation[]) => violations.filter((v) => v.location[0] === "response");

let server: TestServer;
let offContract: TestServer;
let strict: RunningPrism;
let reporting: RunningPrism;
let reportingOffContract: RunningPrism;

beforeAll(async () => {
  server = await startTestServer();
  world = await makeWorld(server.url);
  // A server whose handler breaks the contract, to show the check can fail.
  offContract = await startTestServer({
    validateResponses: false,
    handlers: { createCustomer: () => ({ status: 201, body: { id: 7, url: "not a uri" } }) as never },
  });
  [strict, reporting, reportingOffContract] = await Promise.all([
    startProxy({ upstream: server.url, errors: true }),
    startProxy({ upstream: server.url, errors: false }),
    startProxy({ upstream: offContract.url, errors: false }),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all([strict, reporting, reportingOffContract].map((proxy) => proxy?.stop()));
  await Promise.all([server, offContract].map((s) => s?.close()));
});

describe("through the strict proxy (--errors)", () => {
  it.each(validAttempts)("$name → $status, with no violation", async (attempt) => {
    const reply = await send(strict, attempt);
    expect(reply.violations).toEqual([]);
    expect(reply.contentType ?? "").not.toContain("problem+json");
    expect(reply.status).toBe(attempt.status);
  });
});

describe("through the reporting proxy", () => {
  it.each(invalidAttempts)("$name → $status, and the answer breaks nothing in the spec", async (attempt) => {
    const reply = await send(reporting, attempt);
    expect(reply.status).toBe(attempt.status);
    expect(responseViolations(reply.violations)).toEqual([]);
    if (reply.contentType?.startsWith("application/json")) {
      expect(JSON.parse(reply.text)).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
  });

  it("does report an off-contract answer (the check can fail)", async () => {
    const reply = await send(reportingOffContract, validAttempts[0]!);
    expect(reply.status).toBe(201);
    expect(responseViolations(reply.violations).length).toBeGreaterThan(0);
  });
});
