// The server stub's rules (guide/implement-your-crm.md, "What the runtime does for every request"), each
// checked for status, headers and the whole body, in application/json and in text/plain; and the body limit
// held while a chunked body streams in.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorBody } from "../generated/server.js";
import { allFields, call, type Call, expectCommonHeaders, expectInSpec } from "./support/server-call.js";
import { apiKeys, publicUrl, startTestServer, type TestServer } from "./support/server.js";
import { notSearchableTwo, searchableOne } from "./support/fields.js";

// A 1 KiB body limit (the 413 answers name it): a test exceeds it cheaply.
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
  {
    rule: "a missing Authorization → 401",
    call: { apiKey: null },
    status: 401,
    body: errorBody("invalidApiKey", { header: "Authorization" }),
  },
  {
    rule: "an unknown Authorization value → 401",
    call: { apiKey: "nope" },
    status: 401,
    body: errorBody("invalidApiKey", { header: "Authorization" }),
  },
  {
    rule: "a scheme before a configured key → 401 (the whole value is compared)",
    call: { apiKey: `Bearer ${apiKeys.primary}` },
    status: 401,
    body: { error: "invalid_api_key", message: expect.any(String) },
  },
  {
    rule: "malformed JSON → 400",
    call: { body: `{"${searchableOne}": "a"` },
    status: 400,
    body: invalidPayload("The request body is malformed JSON."),
  },
  {
    rule: "a JSON array → 400",
    call: { body: "[]" },
    status: 400,
    body: invalidPayload("The request body must be a JSON object."),
  },
  {
    rule: "JSON null → 400",
    call: { body: "null" },
    status: 400,
    body: invalidPayload("The request body must be a JSON object."),
  },
  {
    rule: "a JSON string → 400",
    call: { body: '"customer"' },
    status: 400,
    body: invalidPayload("The request body must be a JSON object."),
  },
  {
    rule: "an empty body → 400",
    call: { body: "" },
    status: 400,
    body: invalidPayload("The request body is empty; this operation needs a JSON object."),
  },
  {
    rule: "invalid UTF-8 → 400",
    call: { body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) },
    status: 400,
    body: invalidPayload("The request body is not valid UTF-8."),
  },
  {
    rule: "Content-Type text/plain → 400",
    call: { contentType: "text/plain" },
    status: 400,
    body: invalidPayload("The request body must be sent as Content-Type: application/json (UTF-8)."),
  },
  {
    rule: "no Content-Type → 400",
    call: { contentType: null },
    status: 400,
    body: invalidPayload("The request body must be sent as Content-Type: application/json (UTF-8)."),
  },
  {
    rule: "a charset other than UTF-8 → 400",
    call: { contentType: "application/json; charset=iso-8859-1" },
    status: 400,
    body: invalidPayload("The request body must be sent as Content-Type: application/json (UTF-8)."),
  },
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
    call: { body: JSON.stringify({ [searchableOne]: 1, __proto__x: 1 }) },
    status: 400,
    body: {
      ...errorBody("unknownField", { name: "__proto__x" }),
      fields: { name: "__proto__x", errorMessage: expect.any(String) },
    },
  },
  {
    rule: "wrong types → 422 listing every violation, in the message too",
    call: { body: JSON.stringify({ [searchableOne]: 42, [notSearchableTwo]: true }) },
    status: 422,
    body: {
      error: "field_validation_error",
      message: `${searchableOne} must be a string. ${notSearchableTwo} must be a string.`,
      fields: [
        {
          name: searchableOne,
          errorMessage: `${searchableOne} must be a string.`,
        },
        {
          name: notSearchableTwo,
          errorMessage: `${notSearchableTwo} must be a string.`,
        },
      ],
    },
  },
  {
    rule: "a body over the limit → 413",
    call: { body: JSON.stringify({ [searchableOne]: "x".repeat(2000) }) },
    status: 413,
    body: errorBody("payloadTooLarge", { limit: "1 KiB" }),
  },
  {
    rule: "an unknown path → 404",
    call: { path: "/customer/abc/orders" },
    status: 404,
    body: errorBody("notFound", { path: "/customer/abc/orders" }),
  },
  {
    rule: "a wrong method → 405",
    call: { method: "GET" },
    status: 405,
    body: errorBody("methodNotAllowed", { path: "/customer", method: "GET", allowed: "POST" }),
  },
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
      req.write(`{"${searchableOne}":"`);
      pump();
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toEqual(errorBody("payloadTooLarge", { limit: "1 KiB" }));
    expect(sent).toBeLessThan(64 * 1024 * 1024);
    expect((await call(server)).status).toBe(201);
  });
});
