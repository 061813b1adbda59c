// Hostile input, one row each: the status and body shape it gets, and a valid request answered right after.
// Most rows go to createCustomer; the rows that apply to the other operations' shapes (a path parameter,
// an integer header, a PATCH, a case's nested interactions) go to them.
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteCrmStore } from "../reference-crm/stores/sqlite.js";
import { defaultBodyLimit } from "../src/response.js";
import { maxBodyDepth } from "../src/request-body.js";
import { openSocket, type RawResponse, rawExchange, rawPost, rawRequest, readResponse } from "./support/raw-http.js";
import { apiKeys, type CrmTestServer, startCrmServer } from "./support/server.js";

const limit = defaultBodyLimit;
const json = { "Content-Type": "application/json", Authorization: apiKeys.primary };
const errorOnly = (error: string) => ({ error, message: expect.any(String) });
const naming = (error: string, name: string) => ({
  ...errorOnly(error),
  fields: { name, errorMessage: expect.any(String) },
});

let dataDir: string;
let store: SqliteCrmStore;
let crm: CrmTestServer;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "crm-hostile-"));
  store = SqliteCrmStore.open(dataDir);
  crm = await startCrmServer(store, undefined, { headersTimeoutMs: 1000 });
});
afterAll(async () => {
  await crm.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The server still creates a customer after whatever came before. */
async function stillAnswers() {
  const response = await fetch(`${crm.url}/customer`, {
    method: "POST",
    headers: json,
    body: '{"customSearchableCustomerFieldOne":"after"}',
  });
  expect(response.status).toBe(201);
}

function expectAnswer(response: RawResponse, status: number, body: unknown) {
  expect(response.status).toBe(status);
  expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
  expect(response.headers["x-content-type-options"]).toBe("nosniff");
  expect(response.headers["x-powered-by"]).toBeUndefined();
  expect(JSON.parse(response.body)).toEqual(body);
}

const deepArray = (depth: number) => `{"customSearchableCustomerFieldOne":${"[".repeat(depth)}${"]".repeat(depth)}}`;
const deepestArray = deepArray(Math.floor((limit - 38) / 2));

const oneByteOver = `{"customSearchableCustomerFieldOne":"${"x".repeat(limit - 38)}"}`;

/** A case whose one interaction holds a property the spec does not list, nested so that the body is `depth` deep. */
const caseNested = (customerId: string, depth: number) =>
  `{"customerId":"${customerId}","title":"t","interactions":[{"created":"c","body":"b","serviceId":"1","service":"s","contentType":"post","extra":${"[".repeat(depth - 3)}${"]".repeat(depth - 3)}}]}`;
/** A case one byte over the limit: a long thread of posts. */
const caseOneByteOver = (() => {
  const head = '{"customerId":"c","title":"t","interactions":[';
  const post = (n: number) =>
    `{"created":"c","body":"${"p".repeat(n)}","serviceId":"1","service":"s","contentType":"post"}`;
  const posts: string[] = [];
  while (head.length + posts.join(",").length + 2 + post(1000).length + 1 <= limit) posts.push(post(1000));
  const rest = limit + 1 - (head.length + posts.join(",").length + 2 + post(0).length + (posts.length > 0 ? 1 : 0));
  return `${head}${[...posts, post(rest)].join(",")}]}`;
})();

const table: { row: string; bytes: Buffer; status: number; body: unknown }[] = [
  {
    row: "malformed JSON",
    bytes: rawPost(json, '{"customSearchableCustomerFieldOne": }'),
    status: 400,
    body: errorOnly("invalid_payload"),
  },
  {
    row: "truncated JSON",
    bytes: rawPost(json, '{"customSearchableCustomerFieldOne": "ab'),
    status: 400,
    body: errorOnly("invalid_payload"),
  },
  { row: "an empty body", bytes: rawPost(json, ""), status: 400, body: errorOnly("invalid_payload") },
  { row: "a JSON array", bytes: rawPost(json, "[]"), status: 400, body: errorOnly("invalid_payload") },
  { row: "a JSON string", bytes: rawPost(json, '"x"'), status: 400, body: errorOnly("invalid_payload") },
  { row: "JSON null", bytes: rawPost(json, "null"), status: 400, body: errorOnly("invalid_payload") },
  {
    row: "Content-Type text/plain",
    bytes: rawPost({ ...json, "Content-Type": "text/plain" }, "{}"),
    status: 400,
    body: errorOnly("invalid_payload"),
  },
  {
    row: "no Content-Type",
    bytes: rawPost({ Authorization: apiKeys.primary }, "{}"),
    status: 400,
    body: errorOnly("invalid_payload"),
  },
  {
    row: "a charset other than UTF-8",
    bytes: rawPost({ ...json, "Content-Type": "application/json; charset=utf-16" }, "{}"),
    status: 400,
    body: errorOnly("invalid_payload"),
  },
  {
    row: "invalid UTF-8",
    bytes: rawPost(json, Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x22, 0x22, 0x7d])),
    status: 400,
    body: errorOnly("invalid_payload"),
  },
  {
    row: "a body one byte over the limit",
    bytes: rawPost(json, oneByteOver),
    status: 413,
    body: errorOnly("payload_too_large"),
  },
  {
    row: "a 1 MiB string field",
    bytes: rawPost(json, `{"customSearchableCustomerFieldOne":"${"x".repeat(1024 * 1024)}"}`),
    status: 413,
    body: errorOnly("payload_too_large"),
  },
  {
    row: `JSON nested ${Math.floor((limit - 38) / 2)} deep, as deep as the size limit allows`,
    bytes: rawPost(json, deepestArray),
    status: 400,
    body: errorOnly("invalid_payload"),
  },
  {
    row: "a __proto__ key",
    bytes: rawPost(json, '{"__proto__": {"polluted": true}}'),
    status: 400,
    body: naming("invalid_field", "__proto__"),
  },
  {
    row: "a constructor.prototype key",
    bytes: rawPost(json, '{"constructor": {"prototype": {"polluted": true}}}'),
    status: 400,
    body: naming("invalid_field", "constructor"),
  },
  {
    row: "a prototype key",
    bytes: rawPost(json, '{"prototype": {"polluted": true}}'),
    status: 400,
    body: naming("invalid_field", "prototype"),
  },
  {
    row: "a header value over 16 KiB",
    bytes: rawPost({ ...json, "x-sf-company-id": "x".repeat(17 * 1024) }, "{}"),
    status: 431,
    body: errorOnly("headers_too_large"),
  },
  {
    row: "an integer header of 10,000 digits (findCustomer)",
    bytes: rawRequest("GET", "/customer/cus_x", { ...json, "x-sf-initiative": "9".repeat(10_000) }),
    status: 400,
    body: errorOnly("invalid_field"),
  },
  {
    row: "a path id of 8 KiB (findCustomer)",
    bytes: rawRequest("GET", `/customer/${"x".repeat(8 * 1024)}`, json),
    status: 404,
    body: errorOnly("customer_not_found"),
  },
  {
    row: "a malformed %-escape in a path id (lookupCase)",
    bytes: rawRequest("GET", "/case/%E0%A4%A", json),
    status: 404,
    body: errorOnly("not_found"),
  },
  {
    row: "truncated JSON on a PATCH (updateCustomer)",
    bytes: rawRequest("PATCH", "/customer/cus_x", json, '{"customSearchableCustomerFieldOne": "ab'),
    status: 400,
    body: errorOnly("invalid_payload"),
  },
  {
    row: "interactions nested 30,000 deep (createCase)",
    bytes: rawRequest(
      "POST",
      "/case",
      json,
      `{"customerId":"c","title":"t","interactions":${"[".repeat(30_000)}${"]".repeat(30_000)}}`,
    ),
    status: 400,
    body: errorOnly("invalid_payload"),
  },
  {
    row: `a property Khoros may add, nested ${maxBodyDepth + 1} deep (createCase)`,
    bytes: rawRequest("POST", "/case", json, caseNested("c", maxBodyDepth + 1)),
    status: 400,
    body: errorOnly("invalid_payload"),
  },
  {
    row: "a case one byte over the limit: a long thread of posts (createCase)",
    bytes: rawRequest("POST", "/case", json, caseOneByteOver),
    status: 413,
    body: errorOnly("payload_too_large"),
  },
  {
    row: "a toString key in a case (createCase)",
    bytes: rawRequest("POST", "/case", json, '{"customerId":"c","title":"t","toString":1}'),
    status: 400,
    body: { ...errorOnly("invalid_field"), fields: [{ name: "toString", errorMessage: expect.any(String) }] },
  },
  {
    row: "a __proto__ key in a case (createCase)",
    bytes: rawRequest("POST", "/case", json, '{"customerId":"c","title":"t","__proto__":{"polluted":true}}'),
    status: 400,
    body: { ...errorOnly("invalid_field"), fields: [{ name: "__proto__", errorMessage: expect.any(String) }] },
  },
];

describe("hostile input", () => {
  it("sizes its bodies right: one byte over the limit, and nested as deep as fits", () => {
    expect(Buffer.byteLength(oneByteOver)).toBe(limit + 1);
    expect(Buffer.byteLength(caseOneByteOver)).toBe(limit + 1);
    expect(JSON.parse(caseOneByteOver).interactions.length).toBeGreaterThan(900);
    expect(Buffer.byteLength(deepestArray)).toBeLessThanOrEqual(limit);
    expect(Buffer.byteLength(deepArray(Math.floor((limit - 38) / 2) + 1))).toBeGreaterThan(limit);
  });

  it.each(table)("$row → $status", async ({ bytes, status, body }) => {
    expectAnswer(await rawExchange(crm.url, bytes), status, body);
    await stillAnswers();
  });

  it(`a property Khoros may add, nested ${maxBodyDepth} deep (as deep as allowed), is kept (createCase)`, async () => {
    const { id: customerId } = await store.createCustomer({});
    const response = await rawExchange(
      crm.url,
      rawRequest("POST", "/case", json, caseNested(customerId, maxBodyDepth)),
    );
    expect(response.status).toBe(201);
    const stored = await store.getCase(JSON.parse(response.body).id);
    expect(stored!.interactions[0]!.extra).toEqual(
      JSON.parse(caseNested(customerId, maxBodyDepth)).interactions[0].extra,
    );
    await stillAnswers();
  });

  it("pollutes no prototype", () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("a body far over the limit: 413 long before it is all sent, and the connection closed", async () => {
    const total = 256 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, "x");
    const socket = await openSocket(crm.url);
    const response = readResponse(socket);
    socket.write(rawPost({ ...json, "Content-Length": String(total) })); // the headers; the body follows
    let sent = 0;
    let answered = false;
    void response.then(
      () => (answered = true),
      () => (answered = true),
    );
    while (sent < total && !answered && !socket.destroyed) {
      if (!socket.write(chunk)) await new Promise((resolve) => socket.once("drain", resolve).once("close", resolve));
      sent += chunk.length;
    }
    expectAnswer(await response, 413, errorOnly("payload_too_large"));
    expect(sent).toBeLessThan(total / 8);
    await new Promise((resolve) => (socket.destroyed ? resolve(undefined) : socket.once("close", resolve)));
    await stillAnswers();
  });

  it("a client sending its headers one byte a second is cut off by the header timeout (408)", async () => {
    const socket = await openSocket(crm.url);
    const response = readResponse(socket, 10_000);
    const headers = rawPost(json, "{}").toString("latin1");
    let i = 0;
    const drip = setInterval(
      () => (i < headers.length && !socket.destroyed ? socket.write(headers[i++]!) : undefined),
      1000,
    );
    try {
      expectAnswer(await response, 408, errorOnly("request_timeout"));
      expect(i).toBeLessThan(10);
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
    await stillAnswers();
  });

  it("a request refused before its small body is read keeps the connection for the next request", async () => {
    const socket = await openSocket(crm.url);
    try {
      const refused = readResponse(socket);
      socket.write(rawPost({ ...json, Authorization: "wrong" }, '{"customSearchableCustomerFieldOne":"x"}'));
      expectAnswer(await refused, 401, errorOnly("invalid_api_key"));
      expect((await refused).headers.connection).not.toBe("close");
      const accepted = readResponse(socket);
      socket.write(rawPost(json, '{"customSearchableCustomerFieldOne":"same connection"}'));
      expect((await accepted).status).toBe(201);
    } finally {
      socket.destroy();
    }
  });

  it("a client that hangs up mid-body: nothing stored, nothing crashes", async () => {
    const rowsBefore = store.count();
    const socket = await openSocket(crm.url);
    const body = '{"customSearchableCustomerFieldOne":"never finished"}';
    socket.write(rawPost(json, body).subarray(0, -10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(store.count()).toBe(rowsBefore);
    await stillAnswers();
  });

  it("1,000 concurrent connections: every one answered 201 and stored", async () => {
    const rowsBefore = store.count();
    const statuses = await Promise.all(
      Array.from(
        { length: 1000 },
        (_, i) =>
          new Promise<number>((resolve, reject) => {
            const body = JSON.stringify({ customSearchableCustomerFieldOne: `concurrent ${i}` });
            const req = httpRequest(`${crm.url}/customer`, {
              method: "POST",
              agent: false,
              headers: { ...json, "Content-Length": Buffer.byteLength(body) },
            });
            req.on("response", (res) => {
              res.resume();
              resolve(res.statusCode!);
            });
            req.on("error", reject);
            req.end(body);
          }),
      ),
    );
    expect(statuses.filter((status) => status === 201)).toHaveLength(1000);
    expect(store.count()).toBe(rowsBefore + 1000);
    await stillAnswers();
  }, 60_000);
});
