// The server stub's rules (README, "The server stub"), each checked for status, headers and the whole
// body, in application/json and in text/plain.
import { request as httpRequest } from "node:http";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRequestListener, type Handlers } from "../generated/server.js";
import { createHandlers } from "../scripts/reference-crm/handlers.js";
import { MemoryCustomerStore } from "../scripts/reference-crm/store.js";
import { loadSpec, responses, schemaValidator } from "./support/spec.js";
import { apiKeys, startTestServer, type TestServer } from "./support/server.js";

const spec = loadSpec();
const validatorFor = schemaValidator(spec);
const documented = responses(spec);
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
  if (options.apiKey !== null) headers["X-API-Key"] = options.apiKey ?? apiKeys.primary;
  if (options.accept != null) headers.Accept = options.accept;
  if (options.contentType !== null) headers["Content-Type"] = options.contentType ?? "application/json";
  const response = await fetch(`${server.url}${options.path ?? "/customers"}`, {
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

/** Checks a JSON answer against the spec's schema for its status (or the Error schema for 404/405). */
function expectInSpec(reply: Reply, body: unknown) {
  const schema = documented[String(reply.status)]?.content["application/json"]?.schema ?? { $ref: "#/components/schemas/Error" };
  expect(validatorFor(schema)(body)).toEqual([]);
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

const rules: Rule[] = [
  { rule: "a missing API key → 401", call: { apiKey: null }, status: 401, body: { error: "invalid_api_key", message: expect.any(String) } },
  { rule: "an unknown API key → 401", call: { apiKey: "nope" }, status: 401, body: { error: "invalid_api_key", message: expect.any(String) } },
  { rule: "malformed JSON → 400", call: { body: '{"customSearchableCustomerFieldOne": "a"' }, status: 400, body: { error: "invalid_payload", message: expect.any(String) } },
  { rule: "a JSON array → 400", call: { body: "[]" }, status: 400, body: { error: "invalid_payload", message: expect.any(String) } },
  { rule: "JSON null → 400", call: { body: "null" }, status: 400, body: { error: "invalid_payload", message: expect.any(String) } },
  { rule: "a JSON string → 400", call: { body: '"customer"' }, status: 400, body: { error: "invalid_payload", message: expect.any(String) } },
  { rule: "an empty body → 400", call: { body: "" }, status: 400, body: { error: "invalid_payload", message: expect.any(String) } },
  { rule: "invalid UTF-8 → 400", call: { body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) }, status: 400, body: { error: "invalid_payload", message: expect.any(String) } },
  { rule: "Content-Type text/plain → 400", call: { contentType: "text/plain" }, status: 400, body: { error: "invalid_payload", message: expect.any(String) } },
  { rule: "no Content-Type → 400", call: { contentType: null }, status: 400, body: { error: "invalid_payload", message: expect.any(String) } },
  { rule: "a charset other than UTF-8 → 400", call: { contentType: "application/json; charset=iso-8859-1" }, status: 400, body: { error: "invalid_payload", message: expect.any(String) } },
  {
    rule: "an unknown property → 400 naming it in one `fields` object",
    call: { body: JSON.stringify({ ...allFields, favouriteColour: "teal" }) },
    status: 400,
    body: { error: "invalid_field", message: expect.any(String), fields: { name: "favouriteColour", errorMessage: "favouriteColour is not a known field." } },
  },
  {
    rule: "an unknown property next to a wrong type → 400 (the unknown property wins)",
    call: { body: JSON.stringify({ customSearchableCustomerFieldOne: 1, __proto__x: 1 }) },
    status: 400,
    body: { error: "invalid_field", message: expect.any(String), fields: { name: "__proto__x", errorMessage: expect.any(String) } },
  },
  {
    rule: "wrong types and a bad header → 422 listing every violation",
    call: {
      body: JSON.stringify({ customSearchableCustomerFieldOne: 42, customNonSearchableCustomerFieldTwo: null }),
      headers: { "X-Khoros-Agent-Email": "not-an-email" },
    },
    status: 422,
    body: {
      error: "field_validation_error",
      message: expect.any(String),
      fields: [
        { name: "X-Khoros-Agent-Email", errorMessage: "X-Khoros-Agent-Email must be an email address." },
        { name: "customNonSearchableCustomerFieldTwo", errorMessage: "customNonSearchableCustomerFieldTwo must be a string." },
        { name: "customSearchableCustomerFieldOne", errorMessage: "customSearchableCustomerFieldOne must be a string." },
      ],
    },
  },
  { rule: "a body over the limit → 413", call: { body: JSON.stringify({ customSearchableCustomerFieldOne: "x".repeat(2000) }) }, status: 413, body: { error: "payload_too_large", message: "The request body is larger than 1 KiB." } },
  { rule: "an unknown path → 404", call: { path: "/customers/abc/orders" }, status: 404, body: { error: "not_found", message: expect.any(String) } },
  { rule: "a wrong method → 405", call: { method: "GET" }, status: 405, body: { error: "method_not_allowed", message: expect.any(String) } },
];

describe.each(["application/json", "text/plain"])("answered in %s", (mediaType) => {
  it("201 with the stored customer (JSON) or its url (text)", async () => {
    const reply = await call(server, { accept: mediaType });
    expect(reply.status).toBe(201);
    expectCommonHeaders(reply, mediaType);
    const url = mediaType === "text/plain" ? reply.text : (JSON.parse(reply.text) as { url: string }).url;
    const id = decodeURIComponent(url.split("/").pop()!);
    expect(url).toBe(`http://crm.test/customers/${encodeURIComponent(id)}`);
    expect(await server.store.get(id)).toEqual({ id, ...allFields });
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
    expect(body).toEqual({ error: "not_acceptable", message: "This server answers in application/json or text/plain only." });
    expectInSpec(reply, body);
  });
});

describe("API keys", () => {
  it("accepts every configured key (rotation) and tells the handler which one was used", async () => {
    const seen: string[] = [];
    const rotating = await startTestServer({
      handlers: {
        createCustomer: ({ context }) => {
          seen.push(context.apiKeyId);
          return { status: 201, body: { id: "c1", url: "http://crm.test/customers/c1" } };
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
    const handlers = createHandlers({ store: new MemoryCustomerStore(), publicUrl: "http://crm.test" });
    expect(() => createRequestListener({ handlers, apiKeys: {} })).toThrow("At least one API key");
    expect(() => createRequestListener({ handlers, apiKeys: { blank: "" } })).toThrow("API key blank is empty");
  });
});

describe("handler failures", () => {
  const customer = { id: "c1", url: "http://crm.test/customers/c1" };
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
      const req = httpRequest(`${server.url}/customers`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-API-Key": apiKeys.primary, "Transfer-Encoding": "chunked" },
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
    expect(JSON.parse(body)).toEqual({ error: "payload_too_large", message: "The request body is larger than 1 KiB." });
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    expect((await call(server)).status).toBe(201);
  });
});

describe("as Express middleware", () => {
  it("serves its operations under a mount path and passes other paths on", async () => {
    const app = express();
    const store = new MemoryCustomerStore();
    app.use("/crm", createRequestListener({ handlers: createHandlers({ store, publicUrl: "http://crm.test" }), apiKeys }));
    app.get("/health", (_req, res) => void res.send("ok"));
    const listening = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => listening.once("listening", resolve));
    const { port } = listening.address() as { port: number };
    const base = { url: `http://127.0.0.1:${port}`, store, logs: [], close: async () => {} };
    try {
      expect((await call(base, { path: "/crm/customers" })).status).toBe(201);
      expect(store.size).toBe(1);
      const health = await call(base, { method: "GET", path: "/health" });
      expect([health.status, health.text]).toEqual([200, "ok"]);
    } finally {
      await new Promise((resolve) => listening.close(resolve));
    }
  });
});
