// The reference CRM on a real PostgreSQL, as several processes: two servers apart share one database;
// `WORKERS=2` serves the API on one port, one scrape of its metrics, and survives a worker killed under load
// with every acknowledged record kept; PostgreSQL stopped gives the contract's 500s, /readyz 503, no crash,
// and recovery once it is back; an exhausted pool, a bounded wait, then 500. (Skipped without a server.)
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PostgresCrmStore } from "../reference-crm/stores/postgres.js";
import { type StartedServer, startServerScript } from "../scripts/shared/server-script.js";
import { verify } from "../scripts/verify/runner.js";
import { routes } from "../generated/server.js";
import { createScratchDatabase, postgresAvailable, type ScratchDatabase } from "./support/postgres.js";
import { latencyBucket, metricsUrlOf, parseSamples, requestsTotal, total } from "./support/prometheus.js";
import { apiKeys, type CrmTestServer, startCrmServer } from "./support/server.js";
import { searchableOne } from "./support/fields.js";

const apiKey = "pg-key";
const headers = { Authorization: apiKey, "Content-Type": "application/json" };
let database: ScratchDatabase;
let dataDir: string;
const started: StartedServer[] = [];

/** The reference CRM as `npm start` runs it, on the scratch database. */
async function startCrm(env: Record<string, string> = {}): Promise<StartedServer> {
  const server = await startServerScript("reference-crm/main.ts", {
    STORE: "postgres",
    API_KEY: apiKey,
    DATA_DIR: dataDir,
    ...database.env,
    ...env,
  });
  started.push(server);
  return server;
}

const post = (url: string, path: string, body: unknown) =>
  fetch(`${url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });

describe.skipIf(!postgresAvailable)("the reference CRM on PostgreSQL", () => {
  beforeEach(async () => {
    database = await createScratchDatabase();
    dataDir = mkdtempSync(join(tmpdir(), "crm-pg-"));
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.process.stop()));
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("two servers started apart share one database: what one makes, the other finds, updates and lists", async () => {
    const [one, other] = await Promise.all([startCrm(), startCrm()]);
    const created = await post(one.url, "/customer", { [searchableOne]: "@shared" });
    const customer = (await created.json()) as { id: string };
    const crmCase = (await (await post(one.url, "/case", { customerId: customer.id, title: "Shared" })).json()) as {
      id: string;
    };
    expect(await (await fetch(`${other.url}/customer/${customer.id}`, { headers })).json()).toMatchObject({
      id: customer.id,
      [searchableOne]: "@shared",
    });
    expect(await (await post(other.url, "/customers", { [searchableOne]: "@SHARED" })).json()).toEqual([
      expect.objectContaining({ id: customer.id }),
    ]);
    const patched = await fetch(`${other.url}/case/${crmCase.id}`, {
      method: "PATCH",
      headers,
      body: '{"status":"closed"}',
    });
    expect(patched.status).toBe(201);
    expect(await (await fetch(`${one.url}/customer/${customer.id}/cases`, { headers })).json()).toEqual([
      expect.objectContaining({ id: crmCase.id, status: "closed" }),
    ]);
  });

  it("WORKERS=2 serves the whole API on one port: the agent's journey passes", async () => {
    const server = await startCrm({ WORKERS: "2" });
    expect(server.line).toContain("· 2 workers ·");
    const run = await verify({ url: server.url, key: apiKey, families: ["journey"] });
    expect(run.outcomes.filter((o) => o.verdict !== "pass").map((o) => [o.check.rule, o.problems])).toEqual([]);
  });

  it("WORKERS=2 with METRICS_PORT: one scrape counts the journey's operations, both workers, the pool", async () => {
    const server = await startCrm({ WORKERS: "2", METRICS_PORT: "0" });
    const scrape = async () => parseSamples(await (await fetch(await metricsUrlOf(server))).text());
    const run = await verify({ url: server.url, key: apiKey, families: ["journey"] });
    expect(run.outcomes.filter((o) => o.verdict !== "pass").map((o) => [o.check.rule, o.problems])).toEqual([]);
    const journey = await scrape();
    for (const { operationId: operation, path: route } of Object.values(routes)) {
      expect(total(journey, requestsTotal, { operation, route }), operation).toBeGreaterThan(0);
      expect(total(journey, latencyBucket, { operation, route, le: "+Inf" }), operation).toBeGreaterThan(0);
    }
    // Each on a connection of its own, which the cluster hands to the workers in turn.
    const url = `${server.url}/meta/object/customer`;
    const onNewConnection = () =>
      new Promise((done) => get(url, { headers, agent: false }, (res) => res.resume().on("end", done)));
    for (let i = 0; i < 20; i++) await onNewConnection();
    const after = await scrape();
    const meta = { operation: "defineObjectStructures", status: "200" };
    expect(total(after, requestsTotal, meta) - total(journey, requestsTotal, meta)).toBe(20);
    // Both workers answered some, as the pids of their request log's lines say (written every 100 ms).
    const lines = await vi.waitFor(() => {
      const output = server.process.recentOutput().split("\n");
      const logged = output.filter((line) => line.includes('"defineObjectStructures"'));
      if (logged.length < 20) throw new Error("not all logged yet");
      return logged;
    });
    expect(new Set(lines.map((line) => (JSON.parse(line) as { pid: number }).pid)).size).toBe(2);
    const states = after.filter((s) => s.name === "khoros_crm_postgres_pool_connections").map((s) => s.labels.state);
    expect([states.sort(), total(after, "khoros_crm_postgres_pool_waiting")]).toEqual([["idle", "in_use"], 0]);
  });

  it("WORKERS=2, a worker killed (SIGKILL) under load: every acknowledged customer kept, still serving", async () => {
    const server = await startCrm({ WORKERS: "2", NODE_ENV: "production", REQUEST_LOG: "off" });
    const acknowledged: string[] = [];
    let lost = 0;
    let stop = false;
    const client = async (n: number) => {
      for (let i = 0; !stop; i++) {
        const answer = await post(server.url, "/customer", {
          [searchableOne]: `load ${n}-${i}`,
        }).catch(() => undefined);
        if (answer?.status === 201) acknowledged.push(((await answer.json()) as { id: string }).id);
        else lost++; // in flight on the killed worker: never acknowledged
      }
    };
    const clients = Array.from({ length: 16 }, (_, n) => client(n));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const workers = execFileSync("pgrep", ["-P", String(server.process.pid)], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map(Number);
    expect(workers).toHaveLength(2);
    process.kill(workers[0]!, "SIGKILL");
    const beforeKill = acknowledged.length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    stop = true;
    await Promise.all(clients);
    expect(acknowledged.length - beforeKill).toBeGreaterThan(50); // the other worker kept answering
    expect(lost).toBeLessThan(50);
    expect(server.process.recentOutput()).toMatch(
      new RegExp(`worker ${workers[0]} ended \\(SIGKILL\\); starting another`),
    );
    const store = await PostgresCrmStore.open(database.config);
    try {
      const missing = [];
      for (const id of acknowledged) if (!(await store.getCustomer(id))) missing.push(id);
      expect(missing).toEqual([]);
      expect(await store.count()).toBeGreaterThanOrEqual(acknowledged.length);
    } finally {
      await store.close();
    }
  }, 60_000);

  // pg_virtualenv makes the cluster 'regress' of PGVERSION: the test can stop and start it.
  const stoppedUnder =
    "PostgreSQL stopped under the server: the contract's 500, one log line per failed request, no crash, " +
    "/readyz 503, and recovery";
  it.skipIf(!process.env.PGVERSION)(
    stoppedUnder,
    async () => {
      const server = await startCrm();
      const create = () => post(server.url, "/customer", { [searchableOne]: "@restart" });
      const readiness = async () => {
        const answer = await fetch(`${server.url}/readyz`);
        return [answer.status, await answer.text()];
      };
      expect((await create()).status).toBe(201);
      expect(await readiness()).toEqual([200, "ready"]);
      const cluster = (action: string) =>
        execFileSync("pg_ctlcluster", [process.env.PGVERSION!, "regress", action], { stdio: "ignore" });
      cluster("stop");
      try {
        expect(await readiness()).toEqual([503, "unavailable"]);
        expect(await (await fetch(`${server.url}/healthz`)).text()).toBe("ok"); // the process itself is well
        const failed = [];
        for (let i = 0; i < 3; i++) failed.push(await create());
        for (const answer of failed) {
          expect(answer.status).toBe(500);
          expect(await answer.json()).toEqual({
            error: "unexpected_error",
            message: "Something went wrong on our side. Please try again later.",
          });
        }
        const logged = server.process
          .recentOutput()
          .split("\n")
          .filter((line) => line.includes('"The handler threw."'));
        expect(logged).toHaveLength(3);
        expect(await (await fetch(`${server.url}/meta/object/case`, { headers })).json()).toMatchObject({
          name: "case",
        }); // no database needed: still answering
      } finally {
        cluster("start");
      }
      // PostgreSQL takes a moment to accept connections again; the same server, not restarted, is then ready
      // and creates.
      await vi.waitFor(async () => expect(await readiness()).toEqual([200, "ready"]), {
        timeout: 15_000,
        interval: 200,
      });
      expect((await create()).status).toBe(201);
    },
    60_000,
  );

  it("a pool exhausted: a request waits a bounded time for a connection, then gets the contract's 500", async () => {
    const store = await PostgresCrmStore.open({ ...database.config, max: 1, connectionTimeoutMillis: 300 });
    const blocker = new pg.Client(database.config);
    let crm: CrmTestServer | undefined;
    try {
      crm = await startCrmServer(store);
      const customer = (await (
        await fetch(`${crm.url}/customer`, {
          method: "POST",
          headers: { ...headers, Authorization: apiKeys.primary },
          body: "{}",
        })
      ).json()) as { id: string };
      // Another connection locks the customer's row; an update then holds the pool's one connection, waiting.
      await blocker.connect();
      await blocker.query("BEGIN");
      await blocker.query("SELECT id FROM customers WHERE id = $1 FOR UPDATE", [customer.id]);
      const keyed = { ...headers, Authorization: apiKeys.primary };
      const held = fetch(`${crm.url}/customer/${customer.id}`, {
        method: "PATCH",
        headers: keyed,
        body: JSON.stringify({ [searchableOne]: "x" }),
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const waited = await fetch(`${crm.url}/customer/${customer.id}`, { headers: keyed });
      expect([waited.status, await waited.json()]).toEqual([
        500,
        { error: "unexpected_error", message: expect.any(String) },
      ]);
      // It waited for a connection until the pool's timeout, and said so in the log (never in the answer).
      const logged = crm.logs.find((entry) => entry.requestId === waited.headers.get("x-request-id"));
      expect(String(logged?.detail)).toMatch(/timeout exceeded when trying to connect/);
      await blocker.query("COMMIT");
      expect((await held).status).toBe(201); // the held request completes once the row is free
    } finally {
      await blocker.end().catch(() => {});
      await crm?.close();
      await store.close();
    }
  });
});
