// Provider contract: the stub server behind Prism's validating proxy. Valid requests go through a strict
// proxy (`--errors`: any violation becomes a Prism error); invalid ones through a reporting proxy, which
// forwards them and lists every violation in `sl-violations`: the server's answers must add none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningPrism, startProxy } from "../scripts/contract/mock.js";
import { apiKeys, startTestServer, type TestServer } from "./support/server.js";

interface Attempt {
  name: string;
  body?: string;
  /** Headers on top of the key and Content-Type; null removes one. */
  headers?: Record<string, string | null>;
  status: number;
}

const json = (value: unknown) => JSON.stringify(value);
const key = { Authorization: apiKeys.primary, "Content-Type": "application/json" };

const validRequests: Attempt[] = [
  { name: "all four fields", body: json({ customNonSearchableCustomerFieldOne: "a", customNonSearchableCustomerFieldTwo: "b", customSearchableCustomerFieldOne: "c", customSearchableCustomerFieldTwo: "d" }), status: 201 },
  { name: "no fields", body: "{}", status: 201 },
  { name: "empty and non-ASCII strings", body: json({ customSearchableCustomerFieldOne: "", customSearchableCustomerFieldTwo: "Ünïcødé ✓ 😀" }), status: 201 },
  {
    name: "every header",
    body: json({ customSearchableCustomerFieldOne: "x" }),
    headers: { "x-sf-user-email": "agent@example.com", "x-sf-initiative": "42", "x-sf-company-id": "7" },
    status: 201,
  },
  {
    name: "Khoros's own headers, an email that is no address and an empty company id",
    body: "{}",
    headers: { "x-sf-user-email": "agent at example", "x-sf-company-id": "" },
    status: 201,
  },
  { name: "text/plain", body: "{}", headers: { Accept: "text/plain" }, status: 201 },
  { name: "q-values preferring text", body: "{}", headers: { Accept: "application/json;q=0.4, text/plain" }, status: 201 },
  { name: "the rotated key", body: "{}", headers: { Authorization: apiKeys.rotated }, status: 201 },
];

// Malformed JSON is not here: Prism's own body parser answers it (400, its own body) without forwarding;
// test/server.test.ts covers it.
const invalidRequests: Attempt[] = [
  { name: "an unknown property", body: json({ favouriteColour: "teal" }), status: 400 },
  { name: "a JSON array", body: "[1]", status: 400 },
  { name: "a wrong Content-Type", body: "{}", headers: { "Content-Type": "text/plain" }, status: 400 },
  { name: "a wrong type", body: json({ customSearchableCustomerFieldOne: 1 }), status: 422 },
  { name: "a wrong type, in text/plain", body: json({ customSearchableCustomerFieldOne: [] }), headers: { Accept: "text/plain" }, status: 422 },
  { name: "no Authorization", body: "{}", headers: { Authorization: null }, status: 401 },
  { name: "an unknown API key", body: "{}", headers: { Authorization: "wrong" }, status: 401 },
  { name: "an Accept it cannot meet", body: "{}", headers: { Accept: "application/xml" }, status: 406 },
  { name: "a body over 64 KiB", body: json({ customSearchableCustomerFieldOne: "x".repeat(70_000) }), status: 413 },
];

interface Violation {
  location: string[];
  message: string;
}

async function send(proxy: RunningPrism, attempt: Attempt) {
  const headers = Object.fromEntries(Object.entries({ ...key, ...attempt.headers }).filter((entry): entry is [string, string] => entry[1] !== null));
  const response = await fetch(`${proxy.url}/customer`, { method: "POST", headers, body: attempt.body });
  const violations = JSON.parse(response.headers.get("sl-violations") ?? "[]") as Violation[];
  return { status: response.status, contentType: response.headers.get("content-type"), text: await response.text(), violations };
}

const responseViolations = (violations: Violation[]) => violations.filter((v) => v.location[0] === "response");

let server: TestServer;
let offContract: TestServer;
let strict: RunningPrism;
let reporting: RunningPrism;
let reportingOffContract: RunningPrism;

beforeAll(async () => {
  server = await startTestServer();
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
  it.each(validRequests)("$name → $status, with no violation", async (attempt) => {
    const reply = await send(strict, attempt);
    expect(reply.violations).toEqual([]);
    expect(reply.contentType).not.toContain("problem+json");
    expect(reply.status).toBe(attempt.status);
  });
});

describe("through the reporting proxy", () => {
  it.each(invalidRequests)("$name → $status, and the answer breaks nothing in the spec", async (attempt) => {
    const reply = await send(reporting, attempt);
    expect(reply.status).toBe(attempt.status);
    expect(responseViolations(reply.violations)).toEqual([]);
    if (reply.contentType?.startsWith("application/json")) {
      expect(JSON.parse(reply.text)).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
  });

  it("does report an off-contract answer (the check can fail)", async () => {
    const reply = await send(reportingOffContract, validRequests[1]!);
    expect(reply.status).toBe(201);
    expect(responseViolations(reply.violations).length).toBeGreaterThan(0);
  });
});
