// Consumer contract tests: the generated client against a Prism mock of the bundled spec, for every
// operation, status and media type.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../generated/client.js";
import { type RunningPrism, startMock } from "../scripts/contract/mock.js";
import { documentedAnswers, firstExample, model, type OperationModel, schemaValidator } from "./support/spec.js";
import { searchableOne } from "./support/fields.js";

const validatorFor = schemaValidator();

let mock: RunningPrism;
beforeAll(async () => {
  mock = await startMock();
}, 60_000);
afterAll(async () => {
  await mock?.stop();
});

/** A fetch that adds headers the client does not send itself (Prism's `Prefer`), or removes some. */
function fetchWith(add: Record<string, string>, remove: string[] = []): typeof fetch {
  return (input, init) => {
    const request = new Request(input, init);
    for (const [name, value] of Object.entries(add)) request.headers.set(name, value);
    for (const name of remove) request.headers.delete(name);
    return fetch(request);
  };
}

/** A call of the operation through the generated client, with its first request example and path examples. */
function callWith(client: ReturnType<typeof createClient>, op: OperationModel, options: Record<string, unknown> = {}) {
  const path = Object.fromEntries(
    op.parameters.filter((p) => p.in === "path").map((p) => [p.name, p.name === "type" ? "customer" : "cus_1"]),
  );
  const media = op.requestBody?.content["application/json"];
  const method = client[op.operationId as keyof typeof client] as (
    ...args: unknown[]
  ) => Promise<{ status: number; data: unknown; response: Response }>;
  const args = [...(media ? [firstExample(media)] : []), { path, ...options }];
  return method(...args);
}

describe("every operation, status and media type", () => {
  const answers = documentedAnswers();

  it("covers the ten operations, each with a success status", () => {
    expect(new Set(answers.map((a) => a.op.operationId)).size).toBe(10);
    for (const op of model.operations)
      expect(
        op.responses.some((r) => r.status < 300),
        op.operationId,
      ).toBe(true);
  });

  it.each(answers.map((a) => ({ ...a, name: `${a.op.operationId} ${a.status} ${a.mediaType ?? "(no body)"}` })))(
    "$name matches its schema and example",
    async ({ op, status, mediaType, media }) => {
      const client = createClient({
        baseUrl: mock.url,
        apiKey: "test-key",
        fetch: fetchWith({ Prefer: `code=${status}` }),
      });
      const result = await callWith(client, op, mediaType ? { accept: mediaType } : {});
      expect(result.status).toBe(status);
      if (!media) {
        expect(result.data).toBeUndefined();
        return;
      }
      expect(result.response.headers.get("content-type")).toContain(mediaType);
      expect(validatorFor(media.schema!)(result.data)).toEqual([]);
      expect(result.data).toEqual(firstExample(media));
    },
  );
});

describe("requests the mock rejects", () => {
  it.each(model.operations.map((op) => ({ op, name: op.operationId })))(
    "$name: 401 with the error body when no Authorization is sent",
    async ({ op }) => {
      const client = createClient({ baseUrl: mock.url, apiKey: "unused", fetch: fetchWith({}, ["Authorization"]) });
      const result = await callWith(client, op);
      expect(result.status).toBe(401);
      expect(result.data).toEqual({ error: "invalid_api_key", message: expect.any(String) });
    },
  );

  it(
    "answers an unknown property on createCustomer with the spec's 422 example " +
      "(the 400-vs-422 split is the server's job)",
    async () => {
      const client = createClient({ baseUrl: mock.url, apiKey: "test-key" });
      const result = await client.createCustomer({ favouriteColour: "teal" } as never);
      expect(result.status).toBe(422);
      expect(result.data).toEqual(
        firstExample(model.response(model.operation("createCustomer"), 422)!.content["application/json"]!),
      );
    },
  );

  it(
    "answers an integer header that is not one with the operation's own error " +
      "(422 on lookupCase, 400 on findCustomer)",
    async () => {
      const client = createClient({
        baseUrl: mock.url,
        apiKey: "test-key",
        fetch: fetchWith({ "x-sf-initiative": "eight" }),
      });
      expect((await client.lookupCase({ path: { id: "case_1" } })).status).toBe(422);
      expect((await client.findCustomer({ path: { id: "cus_1" } })).status).toBe(400);
    },
  );
});

describe("Khoros's own call", () => {
  // Exactly as Khoros sends it: the registered value in Authorization, JSON, and the x-sf-* headers with
  // values the vendor promises no format for (an agent email that is no address, an empty company id).
  const khoros = {
    Authorization: "MY_AUTH_HEADER",
    "Content-Type": "application/json",
    "x-sf-user-email": "agent at example",
    "x-sf-initiative": "42",
    "x-sf-company-id": "",
  };
  const body = JSON.stringify({ [searchableOne]: "@jane_doe" });

  it("gets 201 from the mock", async () => {
    const response = await fetch(`${mock.url}/customer`, { method: "POST", headers: khoros, body });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ id: expect.any(String), url: expect.any(String) });
  });

  it("gets 201 from the mock under a base path (npm run mock with BASE_PATH)", async () => {
    const mounted = await startMock({ basePath: "/api/v1" });
    try {
      const response = await fetch(`${mounted.url}/api/v1/customer`, { method: "POST", headers: khoros, body });
      expect(response.status).toBe(201);
      expect((await fetch(`${mounted.url}/customer`, { method: "POST", headers: khoros, body })).status).toBe(404);
    } finally {
      await mounted.stop();
    }
  });
});
