// Property-based tests generated from the spec (test/support/valid-calls.ts, invalid-calls.ts) against the reference
// CRM on SQLite, for every operation: over 10,000 requests, every answer in the spec's shape for its
// status and media type, no 5xx, every valid call answered with a success status (and what it creates
// stored exactly as sent), every invalid one answered by the contract's rule. A failure is shrunk by
// fast-check and printed as a curl command that replays it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SqliteCrmStore } from "../reference-crm/stores/sqlite.js";
import { type Case, invalidCase } from "./support/invalid-calls.js";
import { type HttpCall, makeWorld, operationNeeds, send, type World } from "./support/operations.js";
import { apiKeys, type CrmTestServer, startCrmServer } from "./support/server.js";
import { type FlatSchema, model, schemaValidator } from "./support/spec.js";
import { anyValidCall, toCurl, toHttp, withoutNulls } from "./support/valid-calls.js";

const validRuns = 4000;

/** The documented properties of an answered interaction and of its author, read from the spec. */
const interactionSchema = model.flatten(model.schemas().Interaction);
const pickDocumented = (value: Record<string, unknown>, schema: FlatSchema) =>
  Object.fromEntries(Object.entries(value).filter(([name]) => name in schema.properties));
/** An interaction as the reference CRM answers it: what the spec documents, linkUrl empty when none was sent. */
function asAnswered(interaction: Record<string, unknown>) {
  const answered = { linkUrl: "", ...pickDocumented(interaction, interactionSchema) };
  const { author } = interaction as { author?: Record<string, unknown> };
  return author ? { ...answered, author: pickDocumented(author, interactionSchema.properties.author!) } : answered;
}
const invalidRuns = 6000;

const validatorFor = schemaValidator();
const validators = new Map<string, (value: unknown) => string[]>();
/** The problems of an answer against the spec's schema for its operation, status and media type. */
function checkAgainstSpec(operationId: string, status: number, mediaType: string, value: unknown): string[] {
  const key = `${operationId} ${status} ${mediaType}`;
  if (!validators.has(key)) {
    const op = model.operation(operationId);
    const media = op.responses.find((r) => r.status === status)?.content[mediaType];
    validators.set(key, media?.schema ? validatorFor(media.schema) : () => [`${key} is not documented`]);
  }
  return validators.get(key)!(value);
}

let dataDir: string;
let store: SqliteCrmStore;
let crm: CrmTestServer;
let world: World;
let sent = 0;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "crm-fuzz-"));
  store = SqliteCrmStore.open(dataDir);
  crm = await startCrmServer(store);
  world = await makeWorld(crm.url);
});
afterAll(async () => {
  await crm.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Sends the call and checks what every answer must be; returns the answer, or throws what is wrong. */
async function exchange(operationId: string, call: HttpCall) {
  sent++;
  const answer = await send(crm.url, call);
  const problems = [
    ...(answer.status >= 500 ? [`a ${answer.status}`] : []),
    ...(answer.status === 204
      ? []
      : checkAgainstSpec(operationId, answer.status, answer.mediaType, answer.body).map((p) => `body: ${p}`)),
    ...(answer.headers.get("x-content-type-options") === "nosniff" ? [] : ["no nosniff"]),
    ...(answer.headers.has("x-powered-by") ? ["an X-Powered-By"] : []),
    ...(answer.headers.get("x-request-id") ? [] : ["no X-Request-Id"]),
  ];
  if (problems.length > 0)
    throw new Error(`${answer.status} ${answer.mediaType}: ${problems.join("; ")}\n${answer.text.slice(0, 500)}`);
  return answer;
}

/** Runs the property; on failure, reports the shrunk case as a replayable curl command. */
async function holds<T>(
  arbitrary: fc.Arbitrary<T>,
  numRuns: number,
  replay: (value: T) => HttpCall,
  check: (value: T) => Promise<void>,
) {
  const result = await fc.check(fc.asyncProperty(arbitrary, check), { numRuns });
  if (result.failed) {
    throw new Error(
      `Failed after ${result.numRuns} runs (shrunk ${result.numShrinks} times): ${String(result.errorInstance)}\n` +
        `Replay (CRM_URL=http://127.0.0.1:3000, API_KEY=${apiKeys.primary} on the server):\n${toCurl(replay(result.counterexample![0]))}`,
    );
  }
}

describe("generated from the spec, for every operation", () => {
  it(`${validRuns} valid calls: a success status, in the negotiated media type, and what is created stored exactly as sent`, async () => {
    const toCall = (call: Parameters<typeof toHttp>[0]) => toHttp(call, world, apiKeys.primary);
    await holds(anyValidCall, validRuns, toCall, async (call) => {
      const request = toCall(call);
      const answer = await exchange(call.operationId, request);
      expect(operationNeeds[call.operationId].success).toContain(answer.status);
      if (answer.status === 204) return;
      expect(answer.mediaType).toBe(call.accept[1]);
      if (answer.mediaType !== "application/json") return;
      const body = answer.body as Record<string, unknown>;
      const sent = withoutNulls(request.sent); // what the call means: a null is "not sent"
      if (call.operationId === "createCustomer")
        expect(await store.getCustomer(body.id as string)).toEqual({ id: body.id, ...sent });
      if (call.operationId === "createCase") {
        const stored = await store.getCase(body.id as string);
        const { interactions = [], description = "", customerId, customId, ...rest } = sent as Record<string, unknown>;
        expect(customerId ?? customId).toBe(world.customerId);
        expect(stored).toMatchObject({ ...rest, customerId: world.customerId, description, status: "open" });
        expect(stored!.interactions).toEqual(interactions); // kept whole, unlisted properties included
        expect(body.interactions).toEqual((interactions as Record<string, unknown>[]).map(asAnswered));
      }
    });
  }, 300_000);

  it(`${invalidRuns} invalid calls: the contract's status, error and fields, and nothing created`, async () => {
    const before = store.count();
    const cases = fc.oneof(...model.operations.map((op) => invalidCase(op, world, apiKeys.primary)));
    await holds(
      cases,
      invalidRuns,
      (c) => c.call,
      async ({ operationId, call, expected }: Case) => {
        const answer = await exchange(operationId, call);
        expect(expected.statuses).toContain(answer.status);
        if (answer.mediaType === "text/plain") return; // the message alone, already checked against the spec
        const error = answer.body as { error: string; message: string; fields?: { name: string } | { name: string }[] };
        if (expected.error) expect(error.error).toBe(expected.error);
        if (expected.field !== undefined) {
          expect(error.message).toContain(expected.field);
          const named = [error.fields ?? []].flat().map((f) => f.name);
          if (error.fields !== undefined) expect(named).toContain(expected.field);
        }
      },
    );
    expect(store.count()).toBe(before);
  }, 300_000);

  it("its valid calls include what Khoros may send: nulls, properties the spec does not list, interactions without linkUrl", () => {
    const bodies = fc
      .sample(anyValidCall, { numRuns: 2000, seed: 2022 })
      .map((call) => JSON.stringify(call.body ?? {}));
    const count = (test: (body: string) => boolean) => bodies.filter(test).length;
    expect(count((body) => body.includes(":null"))).toBeGreaterThan(200);
    const interactions = bodies.flatMap((body) => (JSON.parse(body).interactions ?? []) as Record<string, unknown>[]);
    const listed = Object.keys(model.flatten(model.schemas().InteractionInput).properties);
    expect(interactions.filter((i) => Object.keys(i).some((name) => !listed.includes(name))).length).toBeGreaterThan(
      20,
    );
    expect(interactions.filter((i) => i.linkUrl === undefined).length).toBeGreaterThan(20);
  });

  it("sent at least 10,000 requests", () => {
    expect(sent).toBeGreaterThanOrEqual(10_000);
  });
});
