// One call of the stub server as the server tests make it (by default, createCustomer with every custom
// field, the primary key, JSON), and the checks every answer gets: its common headers and its schema.
import { expect } from "vitest";
import { jsonSchemaOf, model, schemaValidator } from "./spec.js";
import { apiKeys, type TestServer } from "./server.js";
import { notSearchableOne, notSearchableTwo, searchableOne, searchableTwo } from "./fields.js";

const validatorFor = schemaValidator();
const createCustomer = model.operation("createCustomer");
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every custom field, with text a naive server gets wrong (an empty value, non-ASCII). */
export const allFields = {
  [notSearchableOne]: "Prefers e-mail",
  [notSearchableTwo]: "",
  [searchableOne]: "@jane_doe ✓ 日本",
  [searchableTwo]: "ACME-00042",
};

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
}

/** What differs from the default call; `null` leaves a header out. */
export interface Call {
  method?: string;
  path?: string;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  apiKey?: string | null;
  accept?: string | null;
  contentType?: string | null;
}

export async function call(server: TestServer, options: Call = {}): Promise<Reply> {
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
export function expectCommonHeaders(reply: Reply, mediaType: string) {
  expect(reply.headers.get("content-type")).toBe(`${mediaType}; charset=utf-8`);
  expect(reply.headers.get("x-request-id")).toMatch(uuid);
  expect(reply.headers.get("x-content-type-options")).toBe("nosniff");
  expect(reply.headers.has("x-powered-by")).toBe(false);
}

/**
 * Checks a JSON answer of createCustomer against the spec's schema for its status (for 404 and 405, the
 * spec's NotFound and MethodNotAllowed, which belong to no operation).
 */
export function expectInSpec(reply: Reply, body: unknown) {
  const op = [404, 405].includes(reply.status) ? undefined : createCustomer;
  expect(validatorFor(jsonSchemaOf(op, reply.status))(body)).toEqual([]);
}
