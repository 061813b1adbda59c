// `npm run failures` and `npm run replay` as an integrator runs them, after `KHOROS_EVENTS_TOKEN=… npm start`:
// the reference CRM started as a process, the fixtures posted to it, then the commands run with the same
// store variables. Replay names the spec's rule when it refuses what Khoros sent, the non-conforming answer
// when the CRM is at fault (a CRM with a seeded mistake), and exits 2 without an event, a CRM or a key.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../scripts/shared/managed-process.js";
import { projectRoot } from "../scripts/shared/paths.js";
import { type StartedServer, startServerScript } from "../scripts/shared/server-script.js";
import { fixture, fixturesDir, flat, nested, trackingIdOf } from "./support/events.js";
import { type Exchange, startFaultyCrm } from "./support/faulty-crm.js";
import { createScratchDatabase, postgresAvailable } from "./support/postgres.js";
import { apiKeys } from "./support/server.js";

const token = "events-token-for-the-cli";
const refused = fixture("spec-refuses.json");
const failed500 = fixture("crm-answered-500.json");
const succeeds = fixture("succeeds-now.json");

/** Runs a command of scripts/failures as npm runs it (tsx), with only these variables. */
async function run(script: "failures" | "replay", args: string[], env: Record<string, string>) {
  const base = { PATH: process.env.PATH!, HOME: process.env.HOME ?? "/root" };
  const command = [process.execPath, ["--import", "tsx", `scripts/failures/${script}.ts`, ...args]] as const;
  return promisify(execFile)(...command, { cwd: projectRoot, env: { ...base, ...env }, timeout: 60_000 }).then(
    (done) => ({ ...done, code: 0 }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

async function postEvent(url: string, event: unknown) {
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  const response = await fetch(`${url}/khoros/events`, { method: "POST", headers, body: JSON.stringify(event) });
  expect(response.status).toBe(202);
}

describe("after KHOROS_EVENTS_TOKEN=… npm start, on SQLite", () => {
  let dataDir: string;
  let server: StartedServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "crm-failures-"));
    const serverEnv = { DATA_DIR: dataDir, KHOROS_EVENTS_TOKEN: token, REQUEST_LOG: "off" };
    server = await startServerScript("reference-crm/main.ts", serverEnv);
    env = { DATA_DIR: dataDir, CRM_URL: server.url };
    for (const event of [nested(refused), failed500, flat(succeeds)]) await postEvent(server.url, event);
  }, 60_000);
  afterAll(async () => {
    await server?.process.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("npm start says what to subscribe in Khoros: the notificationUri, and the token as the bearerToken", () => {
    const said = `subscribe in Khoros to error-custom-crm: notificationUri ${server.url}/khoros/events · bearerToken`;
    expect(server.process.recentOutput()).toContain(said);
    expect(server.process.recentOutput()).not.toContain(token);
  });

  it("failures lists them newest first: when, operation, trackingId, call, status, diagnosis", async () => {
    const { code, stdout } = await run("failures", [], env);
    expect(code).toBe(0);
    expect(stdout.trimEnd().split("\n")).toEqual([
      `2018-09-17 08:30:12Z · createCustomer · ${trackingIdOf(succeeds)} · POST /api/v1/customer · 503 · ` +
        "Khoros's request is valid by the spec; the CRM answered 503, which createCustomer does not document",
      `2018-09-14 16:02:37Z · searchCustomerById-hydrateCases · ${trackingIdOf(failed500)} · ` +
        "GET /api/v1/customer/cus_0192f3a1c2d47e8a9b3c4d5e6f708192/cases · 500 · " +
        "Khoros's request is valid by the spec; " +
        "the CRM answered 500, which findCases documents as unexpected_error: a failure of the CRM's own",
      `2018-09-13 09:14:00Z · createCase-attachInteractions · ${trackingIdOf(refused)} · ` +
        "POST /api/v1/case · 400 · " +
        "the spec is stricter than Khoros: createCase (POST /case) refuses this request with 400 invalid_field: " +
        "priority is not a field of this request. (rule: body #/unevaluatedProperties); " +
        "the CRM answered 400, as the spec does",
    ]);
    expect((await run("failures", ["--limit", "1"], env)).stdout.trimEnd().split("\n")).toHaveLength(1);
  });

  it("replay of a call the spec refuses names the rule, and exits 1", async () => {
    const { code, stdout } = await run("replay", [trackingIdOf(refused)], env);
    expect(code, stdout).toBe(1);
    expect(stdout).toContain("Then: the spec is stricter than Khoros: createCase (POST /case) refuses this request");
    expect(stdout).toContain("priority is not a field of this request. (rule: body #/unevaluatedProperties)");
    expect(stdout).toMatch(/Now: POST http:\/\/127\.0\.0\.1:\d+\/case answered 400 application\/json/);
    expect(stdout).toContain("Verdict: the spec is stricter than Khoros");
  });

  it("replay of a call the CRM answered 500, which it answers as documented now, exits 0", async () => {
    const { code, stdout } = await run("replay", [trackingIdOf(failed500)], env);
    expect(code, stdout).toBe(0);
    expect(stdout).toContain("the CRM answered 500, which findCases documents as unexpected_error: a failure of");
    expect(stdout).toMatch(/answered 404 application\/json .*customer_not_found/);
    expect(stdout).toContain("Verdict: Khoros's request is valid and the CRM's answer now conforms.");
  });

  it("replay of a call that succeeds now makes it again with the kept key (never the event's), exit 0", async () => {
    const { code, stdout } = await run("replay", [trackingIdOf(succeeds)], env);
    expect(code, stdout).toBe(0);
    expect(stdout).toMatch(/answered 201 application\/json .*@jane_doe/);
    expect(stdout).toContain(`-H "Authorization: $CRM_KEY"`);
    expect(stdout).not.toMatch(/k3y-registered|\*\*\*9f2c/);
  });

  it("exits 2 for a trackingId not received, a CRM not reached, a key refused", async () => {
    const unknown = await run("replay", ["crm-gateway-unknown"], env);
    const notReceived = "No failure event has the trackingId crm-gateway-unknown";
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining(notReceived) });
    const port = await freePort();
    const unreachable = await run("replay", [trackingIdOf(succeeds), "--url", `http://127.0.0.1:${port}`], env);
    const notReached = `Cannot reach the CRM at http://127.0.0.1:${port}`;
    expect(unreachable).toMatchObject({ code: 2, stderr: expect.stringContaining(notReached) });
    const wrongKey = await run("replay", [trackingIdOf(succeeds), "--key", "not-the-key"], env);
    expect(wrongKey).toMatchObject({ code: 2, stderr: expect.stringContaining("refused the key given (401)") });
  });

  it("STORE=memory: the events are out of reach, said in one line, exit 2", async () => {
    const { code, stderr } = await run("failures", [], { ...env, STORE: "memory" });
    expect(code).toBe(2);
    expect(stderr.trim()).toBe("STORE=memory keeps the events in the server's memory, out of reach of this command.");
  });
});

describe("replay against a CRM at fault", () => {
  /** Replays a fixture's file against `url`. */
  const replay = (name: string, url: string) =>
    run("replay", [join(fixturesDir, name), "--url", url, "--key", apiKeys.primary], {});

  it("names the answer that does not conform: a 500 to a valid call, an error without its code", async () => {
    const crm = await startFaultyCrm({
      handlers: () => ({ findCases: () => Promise.reject(new Error("the database is down")) }),
    });
    try {
      const crash = await replay("crm-answered-500.json", crm.url);
      expect(crash.code, crash.stdout).toBe(1);
      expect(crash.stdout).toContain("rule: findCases answered 500 to a request the spec accepts: a failure of");
      expect(crash.stdout).toContain("Verdict: the CRM breaks the contract now: findCases answered 500");
    } finally {
      await crm.close();
    }
    const codeless = await startFaultyCrm({
      response: (reply) => (reply.status === 404 ? { ...reply, body: '{"message":"Not here."}' } : reply),
    });
    try {
      const answer = await replay("crm-answered-500.json", codeless.url);
      expect(answer.code, answer.stdout).toBe(1);
      expect(answer.stdout).toMatch(/rule: findCases 404: body must have required property 'error' \(schema #/);
    } finally {
      await codeless.close();
    }
  });

  it("a CRM stricter than the spec, refusing a valid call with 400: named, exit 1; the key sent is ours", async () => {
    const seen: Exchange[] = [];
    const crm = await startFaultyCrm({
      request: (request) => {
        seen.push(request);
        const body = '{"error":"invalid_field","message":"Nope."}';
        return { status: 400, headers: { "content-type": "application/json" }, body };
      },
    });
    try {
      const { code, stdout } = await replay("succeeds-now.json", crm.url);
      expect(code, stdout).toBe(1);
      expect(stdout).toContain('with 400 a request the spec accepts: the CRM is stricter than the spec ("Nope.")');
      expect(seen.map((request) => request.headers.authorization)).toEqual([apiKeys.primary]);
      const { requestBody } = flat(succeeds).externalCall as { requestBody: string };
      expect(seen[0]).toMatchObject({ method: "POST", path: "/customer", body: requestBody });
    } finally {
      await crm.close();
    }
  });

  it("tells a file that holds no error-custom-crm event (exit 2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "crm-event-file-"));
    try {
      writeFileSync(join(dir, "other.json"), JSON.stringify({ eventName: "conversation-created", payload: {} }));
      const other = await run("replay", [join(dir, "other.json")], {});
      const notOurs = "is a conversation-created event, not error-custom-crm";
      expect(other).toMatchObject({ code: 2, stderr: expect.stringContaining(notOurs) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!postgresAvailable)("after STORE=postgres KHOROS_EVENTS_TOKEN=… npm start", () => {
  it("failures and replay read the events from PostgreSQL, by the same variables", async () => {
    const database = await createScratchDatabase();
    const storeEnv = { STORE: "postgres", ...database.env, ...pgEnv() };
    const serverEnv = { ...storeEnv, KHOROS_EVENTS_TOKEN: token, API_KEY: "pg-key", REQUEST_LOG: "off" };
    const server = await startServerScript("reference-crm/main.ts", serverEnv);
    try {
      await postEvent(server.url, nested(succeeds));
      const listed = await run("failures", [], storeEnv);
      expect(listed.stdout).toContain(`${trackingIdOf(succeeds)} · POST /api/v1/customer · 503`);
      const replayEnv = { ...storeEnv, CRM_URL: server.url, API_KEY: "pg-key" };
      const replayed = await run("replay", [trackingIdOf(succeeds)], replayEnv);
      expect(replayed.code, replayed.stdout).toBe(0);
    } finally {
      await server.process.stop();
      await database.drop();
    }
  }, 60_000);
});

/** pg's variables of this process (pg_virtualenv's), for a command run with a bare environment. */
const pgEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith("PG"))) as Record<string, string>;
