// Consumer contract tests: the generated client against a Prism mock of the bundled spec.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../generated/client.js";
import { type RunningPrism, startMock } from "../scripts/contract/mock.js";
import { firstExample, loadSpec, responses, schemaValidator } from "./support/spec.js";

const spec = loadSpec();
const validatorFor = schemaValidator(spec);
const documented = Object.entries(responses(spec)).flatMap(([status, response]) =>
  Object.entries(response.content).map(([mediaType, media]) => ({ status: Number(status), mediaType, media })),
);
const someFields = { customSearchableCustomerFieldOne: "@jane_doe", customNonSearchableCustomerFieldTwo: "VIP" };

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

describe("every documented status and media type", () => {
  it("covers 201, 400, 401, 413, 422 and 500 in JSON and plain text, and 406 in JSON", () => {
    expect(documented.map(({ status, mediaType }) => `${status} ${mediaType}`).sort()).toEqual(
      [...[201, 400, 401, 413, 422, 500].flatMap((s) => [`${s} application/json`, `${s} text/plain`]), "406 application/json"].sort(),
    );
  });

  it.each(documented)("$status as $mediaType matches its schema and example", async ({ status, mediaType, media }) => {
    const client = createClient({ baseUrl: mock.url, apiKey: "test-key", fetch: fetchWith({ Prefer: `code=${status}` }) });
    const accept = mediaType as "application/json" | "text/plain";
    const result = await client.createCustomer(someFields, { accept });
    expect(result.status).toBe(status);
    expect(result.response.headers.get("content-type")).toContain(mediaType);
    expect(validatorFor(media.schema)(result.data)).toEqual([]);
    expect(result.data).toEqual(firstExample(spec, media));
  });
});

describe("requests the mock rejects", () => {
  it("answers 401 with the error body when no API key is sent", async () => {
    const client = createClient({ baseUrl: mock.url, apiKey: "unused", fetch: fetchWith({}, ["Authorization"]) });
    const result = await client.createCustomer(someFields);
    expect(result.status).toBe(401);
    expect(result.data).toEqual({ error: "invalid_api_key", message: expect.any(String) });
  });

  const invalidBodies = [
    { name: "an unknown property", body: { ...someFields, favouriteColour: "teal" } },
    { name: "a wrong type", body: { customSearchableCustomerFieldOne: 42 } },
  ];
  it.each(invalidBodies)("answers $name with the spec's 422 example", async ({ body }) => {
    const client = createClient({ baseUrl: mock.url, apiKey: "test-key" });
    const result = await client.createCustomer(body as never);
    expect(result.status).toBe(422);
    const media = responses(spec)["422"]!.content["application/json"]!;
    expect(result.data).toEqual(firstExample(spec, media));
    expect(validatorFor(media.schema)(result.data)).toEqual([]);
  });

});

describe("Khoros's own call", () => {
  // Exactly as Khoros sends it: the registered value in Authorization, JSON, and the x-sf-* headers with
  // values the vendor promises no format for (an agent email that is no address, an empty company id).
  const khoros = { Authorization: "MY_AUTH_HEADER", "Content-Type": "application/json", "x-sf-user-email": "agent at example", "x-sf-initiative": "42", "x-sf-company-id": "" };
  const body = JSON.stringify(someFields);

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

describe("a valid request", () => {
  it("with every header gets 201 and a Customer in JSON", async () => {
    const client = createClient({ baseUrl: mock.url, apiKey: "test-key" });
    const result = await client.createCustomer(someFields, {
      headers: {
        "x-sf-user-email": "jane.agent@example-company.test",
        "x-sf-initiative": "8675309",
        "x-sf-company-id": "1024",
      },
    });
    expect(result.status).toBe(201);
    if (result.status === 201) expect(new URL(result.data.url).protocol).toBe("https:");
  });

  it("asking for text/plain gets the customer's url as text", async () => {
    const client = createClient({ baseUrl: mock.url, apiKey: "test-key" });
    const result = await client.createCustomer(someFields, { accept: "text/plain" });
    expect(result.status).toBe(201);
    expect(typeof result.data).toBe("string");
    expect(() => new URL(result.data)).not.toThrow();
  });
});
