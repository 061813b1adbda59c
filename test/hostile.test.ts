// Hostile input, one row each: the status and body shape it gets, and a valid request answered right after.
// Most rows go to createCustomer; the rows that apply to the other operations' shapes (a path parameter,
// an integer header, a PATCH, a case's nested interactions) go to them. What happens on the connection
// (a body far over the limit, slow or vanishing clients, many at once) is in hostile-connections.test.ts.
import { describe, expect, it } from "vitest";
import { defaultBodyLimit } from "../src/response.js";
import { maxBodyDepth } from "../src/request-body.js";
import {
  type ErrorCode,
  errorOnly,
  expectAnswer,
  hostileServer,
  json,
  stillAnswers,
} from "./support/hostile-server.js";
import { rawExchange, rawPost, rawRequest } from "./support/raw-http.js";
import { apiKeys } from "./support/server.js";
import { searchableOne } from "./support/fields.js";

const limit = defaultBodyLimit;
const naming = (error: ErrorCode, name: string) => ({
  ...errorOnly(error),
  fields: { name, errorMessage: expect.any(String) },
});

const crm = hostileServer();

/** The length of a field's value that puts `{"<field>":"<value>"}` one byte over the limit. */
const valueOneByteOver = limit + 1 - `{"${searchableOne}":""}`.length;
const deepArray = (depth: number) => `{"${searchableOne}":${"[".repeat(depth)}${"]".repeat(depth)}}`;
const deepestArray = deepArray(Math.floor(valueOneByteOver / 2));

const oneByteOver = `{"${searchableOne}":"${"x".repeat(valueOneByteOver)}"}`;

/** A case whose one interaction holds a property the spec does not list, nested so that the body is `depth` deep. */
const caseNested = (customerId: string, depth: number) =>
  `{"customerId":"${customerId}","title":"t","interactions":[` +
  `{"created":"c","body":"b","serviceId":"1","service":"s","contentType":"post",` +
  `"extra":${"[".repeat(depth - 3)}${"]".repeat(depth - 3)}}]}`;
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
    bytes: rawPost(json, `{"${searchableOne}": }`),
    status: 400,
    body: errorOnly("invalid_payload"),
  },
  {
    row: "truncated JSON",
    bytes: rawPost(json, `{"${searchableOne}": "ab`),
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
    bytes: rawPost(json, JSON.stringify({ [searchableOne]: "x".repeat(1024 * 1024) })),
    status: 413,
    body: errorOnly("payload_too_large"),
  },
  {
    row: `JSON nested ${Math.floor(valueOneByteOver / 2)} deep, as deep as the size limit allows`,
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
    bytes: rawRequest("PATCH", "/customer/cus_x", json, `{"${searchableOne}": "ab`),
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
    expect(Buffer.byteLength(deepArray(Math.floor(valueOneByteOver / 2) + 1))).toBeGreaterThan(limit);
  });

  it.each(table)("$row → $status", async ({ bytes, status, body }) => {
    expectAnswer(await rawExchange(crm.url, bytes), status, body);
    await stillAnswers(crm);
  });

  it(`a property Khoros may add, nested ${maxBodyDepth} deep (as deep as allowed), is kept (createCase)`, async () => {
    const { id: customerId } = await crm.store.createCustomer({});
    const response = await rawExchange(
      crm.url,
      rawRequest("POST", "/case", json, caseNested(customerId, maxBodyDepth)),
    );
    expect(response.status).toBe(201);
    const stored = await crm.store.getCase(JSON.parse(response.body).id);
    expect(stored!.interactions[0]!.extra).toEqual(
      JSON.parse(caseNested(customerId, maxBodyDepth)).interactions[0].extra,
    );
    await stillAnswers(crm);
  });

  it("pollutes no prototype", () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });
});
