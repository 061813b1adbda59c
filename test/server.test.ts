// The server stub's rules (guide/implement-your-crm.md, "What the runtime does for every request"), each
// checked for status, headers and the whole body, in application/json and in text/plain.
import { request as httpRequest } from "node:http";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRequestListener, errorBody, type Handlers } from "../generated/server.js";
import { createHandlers } from "../reference-crm/handlers.js";
import { MemoryCrmStore } from "../reference-crm/stores/memory.js";
import { jsonSchemaOf, model, schemaValidator } from "./support/spec.js";
import { apiKeys, publicUrl, startTestServer, type TestServer } from "./support/server.js";

const validatorFor = schemaValidator();
const createCustomer = model.operation("createCustomer");
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const allFields = {
  customNonSearchableCustomerFieldOne: "Prefers e-mail",
  customNonSearchableCustomerFieldTwo: "",
  customSearchableCustomerFieldOne: "@jane_doe ✓ 日本",
  customSearchableCustomerFieldTwo: "ACME-00042",
};

interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

interface Call {
  method?: string;
  path?: string;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  apiKey?: string | null;
  accept?: string | null;
  contentType?: string | null;
}

async function call(server: TestServer, options: Call = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.apiKey !== null) headers["Authorization"] = options.apiKey ?? apiKeys.primary;
  if (options.accept != null) headers.Accept = options.accept;
  if (options.contentType !== null) headers["Content-Type"] = options.contentType ?? "application/json";
  const response = await fetch(`${server.url}${options.path ?? "/customer"}`, {
    method: options.method ?? "POST",
    headers,
    body: options.method === "GET" ? undefined : (options.body ?? JSON.stringify(allFields)),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** The headers every answer carries. */
function expectCommonHeaders(reply: Reply, mediaType: string) {
  expect(reply.headers.get("content-type")).toBe(`${mediaType}; charset=utf-8`);
  expect(reply.headers.get("x-request-id")).toMatch(uuid);
  expect(reply.headers.get("x-content-type-options")).toBe("nosniff");
  expect(reply.headers.has("x-powered-by")).toBe(false);
}

/** Checks a JSON answer against the spec's schema for its status (for 404 and 405, the spec's NotFound and MethodNotAllowed). */
function expectInSpec(reply: Reply, body: unknown) {
  const op = [404, 405].includes(reply.status) ? undefined : createCustomer;
  expect(validatorFor(jsonSchemaOf(op, reply.status))(body)).toEqual([]);
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ bodyLimit: 1024 });
});
afterAll(() => server.close());

interface Rule {
  rule: string;
  call: Call;
  status: number;
  body: Record<string, unknown>;
}

const invalidPayload = (message: string) => ({ error: "invalid_payload", message });
const rules: Rule[] = [
  { rule: "a missing Authorization → 401", call: { apiKey: null }, status: 401, body: errorBody("invalidApiKey", { header: "Authorization" }) },
  { rule: "an unknown Authorization value → 401", call: { apiKey: "nope" }, status: 401, body: errorBody("invalidApiKey", { header: "Authorization" }) },
  { rule: "a scheme before a configured key → 401 (the whole value is compared)", call: { apiKey: `Bearer ${apiKeys.primary}` }, status: 401, body: { error: "invalid_api_key", message: expect.any(String) } },
  { rule: "malformed JSON → 400", call: { body: '{"customSearchableCustomerFieldOne": "a"' }, status: 400, body: invalidPayload("The request body is malformed JSON.") },
  { rule: "a JSON array → 400", call: { body: "[]" }, status: 400, body: invalidPayload("The request body must be a JSON object.") },
  { rule: "JSON null → 400", call: { body: "null" }, status: 400, body: invalidPayload("The request body must be a JSON object.") },
  { rule: "a JSON string → 400", call: { body: '"customer"' }, status: 400, body: invalidPayload("The request body must be a JSON object.") },
  { rule: "an empty body → 400", call: { body: "" }, status: 400, body: invalidPayload("The request body is empty; this operation needs a JSON object.") },
  { rule: "invalid UTF-8 → 400", call: { body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) }, status: 400, body: invalidPayload("The request body is not valid UTF-8.") },
  { rule: "Content-Type text/plain → 400", call: { contentType: "text/plain" }, status: 400, body: invalidPayload("The request body must be sent as Content-Type: application/json (UTF-8).") },
  { rule: "no Content-Type → 400", call: { contentType: null }, status: 400, body: invalidPayload("The request body must be sent as Content-Type: application/json (UTF-8).") },
  { rule: "a charset other than UTF-8 → 400", call: { contentType: "application/json; charset=iso-8859-1" }, status: 400, body: invalidPayload("The request body must be sent as Content-Type: application/json (UTF-8).") },
  {
    rule: "an unknown property → 400 naming it in the message and in one `fields` object",
    call: { body: JSON.stringify({ ...allFields, favouriteColour: "teal" }) },
    status: 400,
    body: {
      error: "invalid_field",
      message: errorBody("unknownField", { name: "favouriteColour" }).message,
      fields: { name: "favouriteColour", errorMessage: "favouriteColour is not a field of this request." },
    },
  },
  {
    rule: "an unknown property next to a wrong type → 400 (the unknown property wins)",
    call: { body: JSON.stringify({ customSearchableCustomerFieldOne: 1, __proto__x: 1 }) },
    status: 400,
    body: { ...errorBody("unknownField", { name: "__proto__x" }), fields: { name: "__proto__x", errorMessage: expect.any(String) } },
  },
  {
    rule: "wrong types → 422 listing every violation, in the message too",
    call: { body: JSON.stringify({ customSearchableCustomerFieldOne: 42, customNonSearchableCustomerFieldTwo: true }) },
    status: 422,
    body: {
      error: "field_validation_error",
      message: "customSearchableCustomerFieldOne must be a string. customNonSearchableCustomerFieldTwo must be a string.",
      fields: [
        { name: "customSearchableCustomerFieldOne", errorMessage: "customSearchableCustomerFieldOne must be a string." },
        { name: "customNonSearchableCustomerFieldTwo", errorMessage: "customNonSearchableCustomerFieldTwo must be a string." },
      ],
    },
  },
  { rule: "a body over the limit → 413", call: { body: JSON.stringify({ customSearchableCustomerFieldOne: "x".repeat(2000) }) }, status: 413, body: errorBody("payloadTooLarge", { limit: "1 KiB" }) },
  { rule: "an unknown path → 404", call: { path: "/customer/abc/orders" }, status: 404, body: errorBody("notFound", { path: "/customer/abc/orders" }) },
  { rule: "a wrong method → 405", call: { method: "GET" }, status: 405, body: errorBody("methodNotAllowed", { path: "/customer", method: "GET", allowed: "POST" }) },
];

describe.each(["application/json", "text/plain"])("answered in %s", (mediaType) => {
  it("201 with the stored customer (JSON) or its url (text)", async () => {
    const reply = await call(server, { accept: mediaType });
    expect(reply.status).toBe(201);
    expectCommonHeaders(reply, mediaType);
    const url = mediaType === "text/plain" ? reply.text : (JSON.parse(reply.text) as { url: string }).url;
    const id = decodeURIComponent(url.split("/").pop()!);
    expect(url).toBe(`${publicUrl}/agent/customers/${encodeURIComponent(id)}`);
    expect(await server.store.getCustomer(id)).toEqual({ id, ...allFields });
    if (mediaType === "application/json") {
      const body = JSON.parse(reply.text);
      expect(body).toEqual({ id, url, ...allFields });
      expectInSpec(reply, body);
    }
  });

  it.each(rules)("$rule", async ({ call: options, status, body }) => {
    const reply = await call(server, { ...options, accept: mediaType });
    expect(reply.status).toBe(status);
    expectCommonHeaders(reply, mediaType);
    if (mediaType === "application/json") {
      const json = JSON.parse(reply.text);
      expect(json).toEqual(body);
      expectInSpec(reply, json);
    } else {
      const asJson = await call(server, { ...options, accept: "application/json" });
      expect(reply.text).toBe((JSON.parse(asJson.text) as { message: string }).message);
    }
    if (status === 405) expect(reply.headers.get("allow")).toBe("POST");
    if (status === 413) expect(reply.headers.get("connection")).toBe("close");
  });
});

describe("Khoros's own call", () => {
  // As Khoros sends it: the registered value whole in Authorization, and the three x-sf-* headers, whose
  // values the vendor promises no format for (here an agent email that is no address, an empty company id).
  const khoros = { "x-sf-user-email": "agent at example", "x-sf-initiative": "8675309", "x-sf-company-id": "" };

  it("gets 201", async () => {
    const reply = await call(server, { headers: khoros });
    expect(reply.status).toBe(201);
    expect(JSON.parse(reply.text)).toEqual({ id: expect.stringMatching(/^cus_/), url: expect.any(String), ...allFields });
  });

  it("gets 201 under a base path, with a trailing or doubled slash forgiven; outside it, the contract's 404", async () => {
    const mounted = await startTestServer({ basePath: "/api/v1" });
    try {
      for (const path of ["/api/v1/customer", "/api/v1//customer", "/api/v1/customer/"]) {
        expect((await call(mounted, { path, headers: khoros })).status, path).toBe(201);
      }
      const outside = await call(mounted, { path: "/customer", headers: khoros });
      expect(outside.status).toBe(404);
      expect(JSON.parse(outside.text)).toEqual(errorBody("notFound", { path: "/customer" }));
    } finally {
      await mounted.close();
    }
  });
});

describe("every operation's shape, as the runtime serves it", () => {
  const get = (path: string, headers: Record<string, string> = {}, method = "GET") =>
    fetch(`${server.url}${path}`, { method, headers: { Authorization: apiKeys.primary, ...headers } });
  const newCustomer = async () => (await server.store.createCustomer({ customSearchableCustomerFieldOne: "@shape" })).id;

  it("a path parameter declared on the path item reaches the handler, decoded", async () => {
    const id = await newCustomer();
    expect(await (await get(`/customer/${id}`)).json()).toMatchObject({ id });
    const odd = await get("/customer/cus%20x%2Fy");
    expect([odd.status, await odd.json()]).toEqual([404, errorBody("customerNotFound", { id: "cus x/y" })]);
  });

  it("HEAD is served by GET: the same status and headers, no body", async () => {
    const id = await newCustomer();
    const [head, full] = [await get(`/customer/${id}`, {}, "HEAD"), await get(`/customer/${id}`)];
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(full.headers.get("content-length"));
    expect(await head.text()).toBe("");
  });

  it("a 204 has no body and no Content-Type, whatever Accept asks", async () => {
    for (const accept of ["application/json", "text/plain"]) {
      const reply = await call(server, { path: "/customers", accept, body: JSON.stringify({ customSearchableCustomerFieldOne: "nobody at all" }) });
      expect([reply.status, reply.text, reply.headers.get("content-type")]).toEqual([204, "", null]);
    }
  });

  it("a list in text/plain is one url per line; the meta operation's, one field name per line", async () => {
    const ids = [await newCustomer(), await newCustomer()];
    const list = await call(server, { path: "/customers", accept: "text/plain", body: JSON.stringify({ customSearchableCustomerFieldOne: "@SHAPE" }) });
    expect(list.text.split("\n").slice(0, 2)).toEqual(ids.reverse().map((id) => `${publicUrl}/agent/customers/${id}`));
    const meta = await get("/meta/object/customer", { Accept: "text/plain" });
    expect((await meta.text()).split("\n")).toEqual(model.customFields().customer!.map((f) => f.name));
  });

  it("a literal path wins over a templated one, and a method it lacks falls through to the templated one", async () => {
    const bestmatch = await call(server, { path: "/customer/bestmatch", body: "{}" });
    expect([bestmatch.status, bestmatch.text]).toEqual([200, "[]"]);
    const asId = await get("/customer/bestmatch");
    expect([asId.status, await asId.json()]).toEqual([404, errorBody("customerNotFound", { id: "bestmatch" })]);
  });

  it("an unknown method gets 405 with every method the path has, HEAD with GET", async () => {
    const reply = await get("/customer/cus_x", {}, "DELETE");
    expect([reply.status, reply.headers.get("allow")]).toEqual([405, "GET, HEAD, PATCH"]);
    expect(await reply.json()).toEqual(errorBody("methodNotAllowed", { path: "/customer/cus_x", method: "DELETE", allowed: "GET, HEAD or PATCH" }));
  });

  it("an integer header reaches the handler as a number, or as an exact bigint beyond JavaScript's safe integers", async () => {
    const seen: unknown[] = [];
    const recording = await startTestServer({
      handlers: {
        findCustomer: ({ headers, path }) => {
          seen.push(headers["x-sf-initiative"], headers["x-sf-company-id"]);
          return { status: 404, body: { error: "customer_not_found", message: `No customer has the id ${path.id}.` } };
        },
      },
    });
    try {
      const headers = { Authorization: apiKeys.primary, "x-sf-initiative": "9223372036854775807", "x-sf-company-id": "-42" };
      expect((await fetch(`${recording.url}/customer/c1`, { headers })).status).toBe(404);
      expect(seen).toEqual([9223372036854775807n, -42]);
    } finally {
      await recording.close();
    }
  });

  it("an integer header that is not one: 400 naming it where the operation has no 422, 422 where it has", async () => {
    const id = await newCustomer();
    const findCustomer = await get(`/customer/${id}`, { "x-sf-company-id": "12.5" });
    expect([findCustomer.status, await findCustomer.json()]).toEqual([400, { error: "invalid_field", message: "x-sf-company-id must be an integer." }]);
    const tooBig = await get(`/customer/${id}`, { "x-sf-initiative": "9223372036854775808" });
    expect(await tooBig.json()).toEqual({ error: "invalid_field", message: "x-sf-initiative must be an integer from -9223372036854775808 to 9223372036854775807." });
    const empty = await get(`/customer/${id}`, { "x-sf-company-id": "" });
    expect(empty.status).toBe(200); // an empty integer header is read as not sent, as Khoros may send it
    const lookupCase = await get("/case/case_x", { "x-sf-company-id": "acme" });
    expect([lookupCase.status, await lookupCase.json()]).toEqual([
      422,
      { error: "field_validation_error", message: "x-sf-company-id must be an integer.", fields: [{ name: "x-sf-company-id", errorMessage: "x-sf-company-id must be an integer." }] },
    ]);
  });
});

describe("content negotiation", () => {
  const cases: [string | null, string][] = [
    [null, "application/json"],
    ["*/*", "application/json"],
    ["text/*", "text/plain"],
    ["application/json;q=0.5, text/plain;q=0.9", "text/plain"],
    ["text/plain;q=0, */*;q=0.1", "application/json"],
    ["image/png, text/plain;q=0.2", "text/plain"],
  ];
  it.each(cases)("Accept %s → %s", async (accept, mediaType) => {
    const reply = await call(server, { accept });
    expect(reply.status).toBe(201);
    expect(reply.headers.get("content-type")).toBe(`${mediaType}; charset=utf-8`);
  });

  it("answers 406 in JSON when Accept allows neither media type", async () => {
    const reply = await call(server, { accept: "image/png, application/xml" });
    expect(reply.status).toBe(406);
    expectCommonHeaders(reply, "application/json");
    const body = JSON.parse(reply.text);
    expect(body).toEqual(errorBody("notAcceptable", { mediaTypes: "application/json or text/plain" }));
    expectInSpec(reply, body);
  });
});

describe("API keys", () => {
  it("accepts every configured key (rotation) and tells the handler which one was used", async () => {
    const seen: string[] = [];
    const rotating = await startTestServer({
      handlers: {
        createCustomer: ({ context }) => {
          seen.push(context.apiKeyId!);
          return { status: 201, body: { id: "c1", url: "http://crm.test/agent/customers/c1" } };
        },
      },
    });
    try {
      expect((await call(rotating, { apiKey: apiKeys.primary })).status).toBe(201);
      expect((await call(rotating, { apiKey: apiKeys.rotated })).status).toBe(201);
      expect(seen).toEqual(["primary", "rotated"]);
    } finally {
      await rotating.close();
    }
  });

  it("refuses to start without a key, or with an empty one", () => {
    const handlers = createHandlers({ store: new MemoryCrmStore(), publicUrl: "http://crm.test" });
    expect(() => createRequestListener({ handlers, apiKeys: {} })).toThrow("At least one API key");
    expect(() => createRequestListener({ handlers, apiKeys: { blank: "" } })).toThrow("API key blank is empty");
  });
});

describe("handler failures", () => {
  const customer = { id: "c1", url: "http://crm.test/agent/customers/c1" };
  const failing: Record<string, Handlers["createCustomer"]> = {
    throws: () => {
      throw new Error("database password is hunter2");
    },
    rejects: async () => Promise.reject(new TypeError("cannot read properties of undefined")),
    "returns an undocumented status": () => ({ status: 418, body: customer }) as never,
    "returns an off-contract body": () => ({ status: 201, body: { ...customer, internalNote: "x" } }) as never,
    "returns nothing": () => undefined as never,
  };

  it.each(Object.entries(failing))("a handler that %s → 500 with nothing internal, logged once with the request id", async (_, handler) => {
    const broken = await startTestServer({ handlers: { createCustomer: handler } });
    try {
      for (const mediaType of ["application/json", "text/plain"]) {
        const reply = await call(broken, { accept: mediaType });
        expect(reply.status).toBe(500);
        expectCommonHeaders(reply, mediaType);
        const message = "Something went wrong on our side. Please try again later.";
        expect(mediaType === "text/plain" ? reply.text : JSON.parse(reply.text)).toEqual(
          mediaType === "text/plain" ? message : { error: "unexpected_error", message },
        );
        expect(reply.text).not.toMatch(/hunter2|TypeError|at .*\.ts|internalNote/);
        expect(broken.logs.filter((entry) => entry.requestId === reply.headers.get("x-request-id"))).toHaveLength(1);
      }
      expect((await call(server)).status).toBe(201); // the shared server is unaffected, and this one still answers:
      expect((await call(broken, { apiKey: null })).status).toBe(401);
    } finally {
      await broken.close();
    }
  });

  it("lets an off-contract body through when response validation is off (production default)", async () => {
    const lenient = await startTestServer({
      validateResponses: false,
      handlers: { createCustomer: () => ({ status: 201, body: { ...customer, internalNote: "x" } }) as never },
    });
    try {
      const reply = await call(lenient);
      expect(reply.status).toBe(201);
      expect(JSON.parse(reply.text)).toEqual({ ...customer, internalNote: "x" });
    } finally {
      await lenient.close();
    }
  });
});

describe("body limit", () => {
  it("stops reading a chunked body at the limit, answers 413 and closes the connection", async () => {
    const chunk = Buffer.alloc(16 * 1024, "a");
    let sent = 0;
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${server.url}/customer`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: apiKeys.primary, "Transfer-Encoding": "chunked" },
      });
      req.on("response", (res) => {
        let text = "";
        res.on("data", (data: Buffer) => (text += data));
        res.on("end", () => resolve({ status: res.statusCode!, body: text }));
      });
      req.on("error", reject);
      const pump = () => {
        // Keeps sending (up to 64 MiB) until the server answers; it must answer long before.
        while (sent < 64 * 1024 * 1024 && req.write(chunk)) sent += chunk.length;
        if (sent < 64 * 1024 * 1024) req.once("drain", pump);
      };
      req.write('{"customSearchableCustomerFieldOne":"');
      pump();
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toEqual(errorBody("payloadTooLarge", { limit: "1 KiB" }));
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    expect((await call(server)).status).toBe(201);
  });
});

describe("as Express middleware", () => {
  it("serves its operations under its base path and passes other paths on", async () => {
    const app = express();
    const store = new MemoryCrmStore();
    app.use(createRequestListener({ handlers: createHandlers({ store, publicUrl: "http://crm.test" }), apiKeys, basePath: "/crm" }));
    app.get("/health", (_req, res) => void res.send("ok"));
    const listening = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => listening.once("listening", resolve));
    const { port } = listening.address() as { port: number };
    const base = { url: `http://127.0.0.1:${port}`, store, logs: [], close: async () => {} };
    try {
      expect((await call(base, { path: "/crm/customer" })).status).toBe(201);
      expect(store.size).toBe(1);
      const health = await call(base, { method: "GET", path: "/health" });
      expect([health.status, health.text]).toEqual([200, "ok"]);
    } finally {
      await new Promise((resolve) => listening.close(resolve));
    }
  });
});
