// Property-based tests generated from the spec (test/support/arbitraries.ts) against the running reference
// CRM on SQLite: over 10,000 requests, every answer in the spec's shape for its status and media type, no
// 5xx, every valid request stored exactly as sent, every invalid one answered by the contract's rule.
// A failure is shrunk by fast-check and printed as a curl command that replays it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteCustomerStore } from "../reference-crm/stores/sqlite.js";
import { type Case, type HttpRequest, invalidCase, toCurl, toHttp, validRequest } from "./support/arbitraries.js";
import { apiKeys, type CrmTestServer, startCrmServer } from "./support/server.js";
import { loadSpec, responses, schemaValidator } from "./support/spec.js";

const validRuns = 4000;
const invalidRuns = 6000;

const documented = responses(loadSpec());
const validatorFor = schemaValidator(loadSpec());
const validators = new Map<string, (value: unknown) => string[]>();
function checkAgainstSpec(status: number, mediaType: string, value: unknown): string[] {
  const key = `${status} ${mediaType}`;
  if (!validators.has(key)) {
    const media = documented[String(status)]?.content[mediaType];
    validators.set(key, media ? validatorFor(media.schema) : () => [`${key} is not documented`]);
  }
  return validators.get(key)!(value);
}

let dataDir: string;
let store: SqliteCustomerStore;
let crm: CrmTestServer;
let sent = 0;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "crm-fuzz-"));
  store = SqliteCustomerStore.open(dataDir);
  crm = await startCrmServer(store);
});
afterAll(async () => {
  await crm.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  mediaType: string;
  body: unknown;
}

/** Sends the request and checks what every answer must be; returns the answer, or throws what is wrong. */
async function exchange(request: HttpRequest): Promise<Answer> {
  sent++;
  const response = await fetch(`${crm.url}/customer`, { method: "POST", headers: request.headers, body: request.body });
  const raw = await response.text();
  const mediaType = (response.headers.get("content-type") ?? "").split(";")[0]!;
  const body = mediaType === "application/json" ? JSON.parse(raw) : raw;
  const problems = [
    ...(response.status >= 500 ? [`a ${response.status}`] : []),
    ...checkAgainstSpec(response.status, mediaType, body).map((p) => `body: ${p}`),
    ...(response.headers.get("x-content-type-options") === "nosniff" ? [] : ["no nosniff"]),
    ...(response.headers.has("x-powered-by") ? ["an X-Powered-By"] : []),
    ...(response.headers.get("x-request-id") ? [] : ["no X-Request-Id"]),
  ];
  if (problems.length > 0) throw new Error(`${response.status} ${mediaType}: ${problems.join("; ")}\n${raw.slice(0, 500)}`);
  return { status: response.status, mediaType, body };
}

/** Runs the property; on failure, reports the shrunk case as a replayable curl command. */
async function holds<T>(arbitrary: fc.Arbitrary<T>, numRuns: number, toRequest: (value: T) => HttpRequest, check: (value: T) => Promise<void>) {
  const result = await fc.check(fc.asyncProperty(arbitrary, check), { numRuns });
  if (result.failed) {
    const request = toRequest(result.counterexample![0]);
    throw new Error(
      `Failed after ${result.numRuns} runs (shrunk ${result.numShrinks} times): ${String(result.errorInstance)}\n` +
        `Replay (CRM_URL=http://127.0.0.1:3000, API_KEY=${apiKeys.primary} on the server):\n${toCurl(request)}`,
    );
  }
}

describe("generated from the spec", () => {
  it(`${validRuns} valid requests: 201, in the negotiated media type, stored exactly as sent`, async () => {
    await holds(validRequest, validRuns, (r) => toHttp(r, apiKeys.primary), async (request) => {
      const answer = await exchange(toHttp(request, apiKeys.primary));
      expect(answer.status).toBe(201);
      expect(answer.mediaType).toBe(request.accept[1]);
      const url = answer.mediaType === "text/plain" ? (answer.body as string) : (answer.body as { url: string }).url;
      const id = decodeURIComponent(url.split("/").pop()!);
      if (answer.mediaType === "application/json") expect(answer.body).toEqual({ ...request.body, id, url });
      expect(await store.get(id)).toEqual({ id, ...request.body });
    });
  }, 300_000);

  it(`${invalidRuns} invalid requests: the contract's status, error and fields, nothing stored`, async () => {
    const rowsBefore = store.count();
    await holds(invalidCase(apiKeys.primary), invalidRuns, (c) => c.request, async ({ request, expected }: Case) => {
      const answer = await exchange(request);
      expect(answer.status).toBe(expected.status);
      if (answer.mediaType === "text/plain") return; // the message alone, already checked against the spec
      const error = answer.body as { error: string; fields?: { name: string } | { name: string }[] };
      if (expected.error) expect(error.error).toBe(expected.error);
      if (expected.status === 400 && expected.field !== undefined) expect(error.fields).toEqual({ name: expected.field, errorMessage: expect.any(String) });
      if (expected.status === 400 && expected.field === undefined) expect(error.fields).toBeUndefined();
      if (expected.status === 422) expect((error.fields as { name: string }[]).map((f) => f.name)).toContain(expected.field);
    });
    expect(store.count()).toBe(rowsBefore);
  }, 300_000);

  it("sent at least 10,000 requests", () => {
    expect(sent).toBeGreaterThanOrEqual(10_000);
  });
});
