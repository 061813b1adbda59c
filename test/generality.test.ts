// Adding an operation to the spec and running the generator is all it takes, whatever its shape: this adds
// throw-away operations to a copy of the spec (a path parameter on the path item, an integer query
// parameter and header, a public GET with a JSON-only answer, a PATCH answered 204, a literal path declared
// after the templated one it would collide with), regenerates, type-checks a server that implements them,
// runs it and calls every one through the regenerated client. The recipe "Add an operation" of
// guide/change-the-contract.md is what this test does: path items in spec/paths/, a schema in
// spec/components/schemas/, the paths listed in spec/openapi.yaml, `npm run generate`, the handlers.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import type { StartedServer } from "../scripts/shared/server-script.js";
import { copyProject, type ProjectCopy } from "./support/project-copy.js";

const responses = "../components/responses";
/** The errors of a secured operation that takes a JSON body. */
const writeErrors = {
  "400": { $ref: `${responses}/InvalidPayload.yaml` },
  "401": { $ref: `${responses}/Unauthorized.yaml` },
  "406": { $ref: `${responses}/NotAcceptable.yaml` },
  "413": { $ref: `${responses}/PayloadTooLarge.yaml` },
  "422": { $ref: `${responses}/FieldValidationFailed.yaml` },
  "500": { $ref: `${responses}/UnexpectedError.yaml` },
};
const thingPath = {
  parameters: [{ name: "thingId", in: "path", required: true, schema: { type: "string" } }],
  get: {
    operationId: "getThing",
    summary: "A public operation answered in JSON only",
    security: [],
    parameters: [
      { name: "limit", in: "query", schema: { type: "integer", format: "int32" } },
      { name: "x-count", in: "header", schema: { type: "integer", format: "int32" } },
    ],
    responses: {
      "200": {
        description: "The thing, in JSON only.",
        content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
      },
      "400": { $ref: `${responses}/InvalidParameter.yaml` },
      "406": { $ref: `${responses}/NotAcceptable.yaml` },
      "500": { $ref: `${responses}/UnexpectedError.yaml` },
    },
  },
  patch: {
    operationId: "updateThing",
    summary: "A secured PATCH answered without a body",
    requestBody: {
      required: true,
      content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
    },
    responses: {
      "204": { description: "Updated." },
      ...writeErrors,
    },
  },
};
const searchPath = {
  post: {
    operationId: "searchThings",
    summary: "A literal path declared after the templated one",
    requestBody: {
      required: true,
      content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
    },
    responses: {
      "200": {
        description: "The things; their names one per line in plain text.",
        content: {
          "application/json": { schema: { type: "array", items: { $ref: "#/components/schemas/Thing" } } },
          "text/plain": { schema: { type: "string" }, "x-text-from": "[].name" },
        },
      },
      ...writeErrors,
    },
  },
};
const thing = {
  type: "object",
  required: ["name"],
  // Optional properties admit null, as every request body must (the runtime reads a null as not sent).
  properties: { name: { type: "string" }, limit: { type: ["integer", "null"] }, count: { type: ["integer", "null"] } },
  additionalProperties: false,
};

/** A server for the copy: the reference CRM's handlers, and the throw-away operations'. */
const serverSource = `
import { createHandlers } from "../reference-crm/handlers.js";
import { MemoryCrmStore } from "../reference-crm/stores/memory.js";
import { createHttpServer, createRequestListener, type Handlers } from "./server.js";

const things: Pick<Handlers, "getThing" | "updateThing" | "searchThings"> = {
  getThing: ({ path, query, headers }) => ({
    status: 200,
    body: { name: path.thingId, limit: query.limit, count: Number(headers["x-count"] ?? 0) },
  }),
  updateThing: ({ body }) =>
    body.name === ""
      ? {
          status: 422,
          body: { error: "field_validation_error", message: "m", fields: [{ name: "name", errorMessage: "m" }] },
        }
      : { status: 204 },
  searchThings: ({ body }) => ({ status: 200, body: [{ name: body.name }, { name: body.name + "!" }] }),
};
const server = createHttpServer().on(
  "request",
  createRequestListener({
    apiKeys: { k: "k" },
    handlers: { ...createHandlers({ store: new MemoryCrmStore(), publicUrl: "http://x" }), ...things },
  }),
);
server.listen(Number(process.env.PORT), "127.0.0.1", () =>
  console.log("things listening on http://127.0.0.1:" + (server.address() as { port: number }).port),
);
`;

let copy: ProjectCopy;
let server: StartedServer;

beforeAll(async () => {
  copy = await copyProject((spec) => {
    const root = parseDocument(readFileSync(join(spec, "openapi.yaml"), "utf8"));
    // The templated path first: the literal one must still win.
    root.setIn(["paths", "/things/{thingId}"], { $ref: "paths/things-{thingId}.yaml" });
    root.setIn(["paths", "/things/search"], { $ref: "paths/things-search.yaml" });
    writeFileSync(join(spec, "openapi.yaml"), root.toString());
    writeFileSync(
      join(spec, "paths/things-{thingId}.yaml"),
      JSON.stringify(thingPath).replaceAll("#/components/schemas/Thing", "../components/schemas/Thing.yaml"),
    );
    writeFileSync(
      join(spec, "paths/things-search.yaml"),
      JSON.stringify(searchPath).replaceAll("#/components/schemas/Thing", "../components/schemas/Thing.yaml"),
    );
    writeFileSync(join(spec, "components/schemas/Thing.yaml"), JSON.stringify(thing));
  });
  writeFileSync(join(copy.root, "generated/things-server.ts"), serverSource);
  server = await copy.start("generated/things-server.ts", {});
}, 90_000);

afterAll(async () => {
  await server?.process.stop();
  copy?.remove();
});

const client = async () => {
  const { createClient } = (await import(
    join(copy.root, "generated/client.ts")
  )) as typeof import("../generated/client.js");
  return createClient({ baseUrl: server.url, apiKey: "k" }) as unknown as Record<
    string,
    (...args: unknown[]) => Promise<{ status: number; data: unknown }>
  >;
};

describe("throw-away operations of every shape, added to a copy of the spec", () => {
  it("type-check: the server implementing them, with their path, query, header and body types", () => {
    const problems = copy.typecheck(["generated/things-server.ts"]);
    expect(problems.filter((p) => p.startsWith("generated/"))).toEqual([]);
    // …while the reference CRM's handlers, written before the new operations, are told what they lack.
    expect(problems).toEqual([
      expect.stringMatching(
        /^reference-crm\/handlers\.ts: .*missing the following properties .*: getThing, updateThing, searchThings/,
      ),
    ]);
  });

  it("a path parameter on the path item, an integer query parameter and header reach the handler, typed", async () => {
    const result = await (
      await client()
    ).getThing!({ path: { thingId: "a b" }, query: { limit: 3 }, headers: { "x-count": 5 } });
    expect(result).toMatchObject({ status: 200, data: { name: "a b", limit: 3, count: 5 } });
  });

  it("a public operation needs no key; a JSON-only response asked for in text/plain comes in JSON", async () => {
    const response = await fetch(`${server.url}/things/x`, { headers: { Accept: "text/plain" } });
    expect([response.status, response.headers.get("content-type"), await response.json()]).toEqual([
      200,
      "application/json; charset=utf-8",
      { name: "x", count: 0 },
    ]);
  });

  it("HEAD is served by the GET", async () => {
    const response = await fetch(`${server.url}/things/x`, { method: "HEAD" });
    expect([response.status, await response.text()]).toEqual([200, ""]);
  });

  it("an integer query parameter or header that is not one: 400 naming it (the GET has no 422)", async () => {
    const query = await fetch(`${server.url}/things/x?limit=many`);
    expect([query.status, await query.json()]).toEqual([
      400,
      { error: "invalid_field", message: "limit must be an integer." },
    ]);
    const header = await fetch(`${server.url}/things/x`, { headers: { "x-count": "2147483648" } });
    expect([header.status, await header.json()]).toEqual([
      400,
      { error: "invalid_field", message: "x-count must be an integer from -2147483648 to 2147483647." },
    ]);
  });

  it("a secured PATCH answers 204 without a body through the client, and 401 without the key", async () => {
    expect(await (await client()).updateThing!({ name: "n" }, { path: { thingId: "x" } })).toMatchObject({
      status: 204,
      data: undefined,
    });
    const unkeyed = await fetch(`${server.url}/things/x`, {
      method: "PATCH",
      headers: { "Content-Type": "application/json" },
      body: '{"name":"n"}',
    });
    expect(unkeyed.status).toBe(401);
  });

  it("the literal path wins over a templated one declared before it; lists are one item per line in text", async () => {
    expect(await (await client()).searchThings!({ name: "n" })).toMatchObject({
      status: 200,
      data: [{ name: "n" }, { name: "n!" }],
    });
    expect(await (await client()).searchThings!({ name: "n" }, { accept: "text/plain" })).toMatchObject({
      status: 200,
      data: "n\nn!",
    });
  });
});
