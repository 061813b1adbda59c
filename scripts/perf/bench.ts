// `npm run bench`: the stub server against a bare node:http baseline, Fastify and the Prism mock, measured
// side by side on loopback with autocannon (50 connections), in alternating rounds (a b c … c b a …) so
// the machine's noise hits every server alike. Every server runs as in production: the reference CRM
// compiled (`npm start`, dist/), NODE_ENV=production, each server's stdout on a file of its own. A "0"
// after a letter is the same server with its request log off (REQUEST_LOG=off, or Fastify's logger off);
// an "m", with its metrics on (METRICS_PORT: each request counted and timed, each store call timed).
//   createCustomer   (a) bare, (b/b0/bm) the reference CRM in memory, (c/c0) Fastify in memory, (d) Prism,
//                    (e/e0/em) the reference CRM on SQLite, and, when a PostgreSQL server is there
//                    (DATABASE_URL or PG*, e.g. `pg_virtualenv npm run bench`), the reference CRM on it with
//                    (g) one and (h) two worker processes
//   findCustomer     (a), (c/c0) and (e/e0/em), all reading one SQLite file of 100,000 customers
//   searchCustomers  the same, by a searchable field that 5 customers share
// Each server's CPU time per request is shown beside its rate (and PostgreSQL's, for g and h): on a small
// machine the load generator, the servers and the database share the cores, and this says who used them.
// Then the rows of each store are counted against the 201s seen, and the generated client is timed against
// hand-written fetch on the baseline. Prints Markdown tables; ratios are medians of per-round ratios.
// Run `npm run build` first (npm test and npm ci do): the reference CRM is started from dist/.
//   BENCH_SECONDS  length of each run (default 5)   BENCH_ROUNDS  number of rounds (default 3)
//   BENCH_CUSTOMERS  customers in the SQLite file (default 100000)
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { PostgresCrmStore } from "../../reference-crm/stores/postgres.js";
import { SqliteCrmStore } from "../../reference-crm/stores/sqlite.js";
import { startMock } from "../contract/mock.js";
import { createScratchDatabase, type ScratchDatabase } from "../shared/scratch-database.js";
import { startServerScript } from "../shared/server-script.js";
import { clientOverhead, median } from "./client-overhead.js";
import { cpuSeconds } from "./cpu.js";
import { settledCount } from "./rows.js";
import { seedSqlite } from "./seed.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const customers = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const handles = customers / 5; // each searched handle belongs to 5 customers
const connections = 50;
const apiKey = "bench-key";
const headers = { Authorization: apiKey, "Content-Type": "application/json", Accept: "application/json" };
const body = JSON.stringify({
  customNonSearchableCustomerFieldOne: "Prefers e-mail over phone",
  customNonSearchableCustomerFieldTwo: "Joined through the spring campaign",
  customSearchableCustomerFieldOne: "@jane_doe",
  customSearchableCustomerFieldTwo: "ACME-00042",
});

interface Target {
  key: string;
  name: string;
  url: string;
  /** Its process group, whose CPU time is measured (none for Prism). */
  group?: number;
  stop(): Promise<void>;
}

/** Starts a server as in production, its stdout on a file in the bench's folder. */
async function startScript(key: string, name: string, script: string, env: Record<string, string>): Promise<Target> {
  const stdoutFile = join(dataDir, `stdout-${key}.log`);
  const { process: child, url } = await startServerScript(script, { API_KEY: apiKey, NODE_ENV: "production", ...env }, undefined, { stdoutFile });
  return { key, name, url, group: child.pid, stop: () => child.stop() };
}

interface Run {
  rps: number;
  p99: number;
  /** Answers with the scenario's success status. */
  succeeded: number;
  others: number;
  errors: number;
  /** CPU time per request, in µs, of the server's processes and of PostgreSQL's. */
  serverCpu?: number;
  postgresCpu?: number;
}

/** One operation under load: the requests it sends, and the status that counts as success. */
interface Scenario {
  name: string;
  status: number;
  targets: Target[];
  requests(): autocannon.Request[];
}

let ids: string[] = [];
let next = 0;
const cycle = <T>(values: T[]) => values[next++ % values.length]!;

/** Loads the target for `duration` seconds, or with exactly `amount` requests (waiting for every answer). */
async function load(target: Target, scenario: Scenario, duration: number, amount?: number): Promise<Run> {
  const before = target.group && cpuSeconds(target.group);
  const result = await autocannon({ url: target.url, requests: scenario.requests(), connections, ...(amount ? { amount } : { duration }) });
  const after = target.group && cpuSeconds(target.group);
  const succeeded = result.statusCodeStats?.[`${scenario.status}` as `${number}`]?.count ?? 0;
  const perRequest = (seconds: number) => (seconds * 1e6) / result.requests.total;
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    succeeded,
    others: result.requests.total - succeeded,
    errors: result.errors,
    ...(before && after && { serverCpu: perRequest(after.server - before.server), postgresCpu: perRequest(after.postgres - before.postgres) }),
  };
}

/** Every 201 must be a row. A timed run stops with requests in flight (stored, never seen answered), so
 * this sends an exact number and waits for every answer, the rows counted before and after by another
 * connection once they stop changing. */
async function rowsAgainstCreated(target: Target, scenario: Scenario, count: () => Promise<number>): Promise<string> {
  const before = await settledCount(count);
  const run = await load(target, scenario, 0, 20_000);
  return `${(await settledCount(count)) - before} / ${run.succeeded}`;
}

const all: Target[] = [];
const dataDir = mkdtempSync(join(tmpdir(), "bench-crm-"));
const postgres = process.env.DATABASE_URL || process.env.PGHOST ? await createScratchDatabase("crm_bench", "unset DATABASE_URL and PGHOST to bench without it") : undefined;
try {
  console.error(`seeding ${customers} customers into SQLite…`);
  ids = await seedSqlite(dataDir, customers, handles);
  const env = { DATA_DIR: dataDir };
  const crm = "dist/reference-crm/main.js";
  const bare = await startScript("a", "bare node:http (the work, no validation, no log)", "scripts/perf/bare-server.ts", env);
  const stub = await startScript("b", "reference CRM in memory", crm, { STORE: "memory" });
  const stubUnlogged = await startScript("b0", "reference CRM in memory, no request log", crm, { STORE: "memory", REQUEST_LOG: "off" });
  const memoryMetered = { STORE: "memory", METRICS_PORT: "0" };
  const stubMetered = await startScript("bm", "reference CRM in memory, metrics on", crm, memoryMetered);
  const fastify = await startScript("c", "Fastify 5, its default logger (same schemas, key check, handler)", "scripts/perf/fastify-server.ts", env);
  const fastifyUnlogged = await startScript("c0", "Fastify 5, no logger", "scripts/perf/fastify-server.ts", { ...env, LOG: "off" });
  const mock = await startMock();
  const prism: Target = { key: "d", name: "Prism 5.14 mock", url: mock.url, stop: mock.stop };
  const sqlite = await startScript("e", "reference CRM on SQLite (WAL)", crm, { STORE: "sqlite", ...env });
  const sqliteUnlogged = await startScript("e0", "reference CRM on SQLite, no request log", crm, { STORE: "sqlite", REQUEST_LOG: "off", ...env });
  const sqliteOn = { ...env, STORE: "sqlite", METRICS_PORT: "0" };
  const sqliteMetered = await startScript("em", "reference CRM on SQLite, metrics on", crm, sqliteOn);
  all.push(bare, stub, stubUnlogged, stubMetered, fastify, fastifyUnlogged, prism, sqlite, sqliteUnlogged);
  all.push(sqliteMetered);
  const onPostgres: Target[] = [];
  if (postgres) {
    const pgEnv = { STORE: "postgres", DATA_DIR: dataDir, ...postgres.env };
    onPostgres.push(await startScript("g", "reference CRM on PostgreSQL, 1 worker", crm, pgEnv));
    onPostgres.push(await startScript("h", "reference CRM on PostgreSQL, 2 workers", crm, { ...pgEnv, WORKERS: "2" }));
    all.push(...onPostgres);
  } else {
    console.error("no PostgreSQL (DATABASE_URL or PG*): benching without it; `pg_virtualenv npm run bench` adds it");
  }

  const scenarios: Scenario[] = [
    { name: "createCustomer", status: 201, targets: all, requests: () => [{ method: "POST", path: "/customer", headers, body }] },
    {
      name: "findCustomer",
      status: 200,
      targets: [bare, fastify, fastifyUnlogged, sqlite, sqliteUnlogged, sqliteMetered],
      requests: () => [{ method: "GET", headers, setupRequest: (request) => ({ ...request, path: `/customer/${cycle(ids)}` }) }],
    },
    {
      name: "searchCustomers",
      status: 200,
      targets: [bare, fastify, fastifyUnlogged, sqlite, sqliteUnlogged, sqliteMetered],
      requests: () => [
        { method: "POST", path: "/customers", headers, setupRequest: (request) => ({ ...request, body: JSON.stringify({ customSearchableCustomerFieldOne: `@user${next++ % handles}` }) }) },
      ],
    },
  ];

  console.error(`warming up, then ${rounds} rounds of ${seconds} s per server and operation at ${connections} connections…`);
  for (const scenario of scenarios) for (const target of scenario.targets) await load(target, scenario, 1);
  const runs = new Map<string, Run[]>();
  const runsOf = (scenario: Scenario, target: Target) => runs.get(`${scenario.name} ${target.key}`)!;
  for (const scenario of scenarios) for (const target of scenario.targets) runs.set(`${scenario.name} ${target.key}`, []);
  for (let round = 1; round <= rounds; round++) {
    for (const scenario of scenarios) {
      // Every other round in reverse: a server run late in a round is slower (seen here), so none always is.
      const order = round % 2 ? scenario.targets : [...scenario.targets].reverse();
      for (const target of order) runsOf(scenario, target).push(await load(target, scenario, seconds));
      console.error(`round ${round} ${scenario.name}: ${scenario.targets.map((t) => `${t.key} ${Math.round(runsOf(scenario, t).at(-1)!.rps)}/s`).join(", ")}`);
    }
  }
  const sqliteStore = SqliteCrmStore.open(dataDir);
  const sqliteRows = await rowsAgainstCreated(sqlite, scenarios[0]!, async () => sqliteStore.count());
  await sqliteStore.close();
  const postgresRows: string[] = [];
  if (postgres) {
    const pgStore = await PostgresCrmStore.open(postgres.config);
    for (const target of onPostgres) postgresRows.push(`| PostgreSQL rows added / 201s seen, 20,000 creates to (${target.key}) | ${await rowsAgainstCreated(target, scenarios[0]!, () => pgStore.count())} |`);
    await pgStore.close();
  }
  const overhead = await clientOverhead(bare.url, apiKey, body);

  const ratio = (scenario: Scenario, x: Target, y: Target, pick: (run: Run) => number) =>
    median(runsOf(scenario, x).map((run, i) => pick(run) / pick(runsOf(scenario, y)[i]!)));
  const rps = (run: Run) => run.rps;
  const [create, find, search] = scenarios as [Scenario, Scenario, Scenario];
  // What the metrics cost: the rate they leave, the server CPU per request they add (m against the same server).
  const metered: [Scenario, Target, Target, string][] = [[create, stubMetered, stub, "in memory"]];
  for (const scenario of scenarios) metered.push([scenario, sqliteMetered, sqlite, "SQLite"]);
  const metricsCost = metered.flatMap(([s, on, off, where]) => {
    const [rate, cpu] = [ratio(s, on, off, rps), ratio(s, on, off, (r) => r.serverCpu!)];
    return [
      `| ${s.name} ${on.key}/${off.key} requests/s (what the metrics leave, ${where}) | ${rate.toFixed(3)} |`,
      `| ${s.name} ${on.key}/${off.key} server CPU µs/request (what they add, ${where}) | ${cpu.toFixed(3)} |`,
    ];
  });
  const lines = [
    `| operation | server | requests/s (median) | p99 ms (median) | other statuses | errors | server CPU µs/request | PostgreSQL CPU µs/request |`,
    `| --- | --- | --- | --- | --- | --- | --- | --- |`,
    ...scenarios.flatMap((scenario) =>
      scenario.targets.map((t) => {
        const r = runsOf(scenario, t);
        const cpu = (pick: (run: Run) => number | undefined) => (r.every((x) => pick(x) !== undefined) ? Math.round(median(r.map((x) => pick(x)!))) : "–");
        const postgresCpu = onPostgres.includes(t) ? cpu((x) => x.postgresCpu) : "–";
        return `| ${scenario.name} | (${t.key}) ${t.name} | ${Math.round(median(r.map(rps)))} | ${median(r.map((x) => x.p99))} | ${r.reduce((n, x) => n + x.others, 0)} | ${r.reduce((n, x) => n + x.errors, 0)} | ${cpu((x) => x.serverCpu)} | ${postgresCpu} |`;
      }),
    ),
    "",
    `| ratio | measured |`,
    `| --- | --- |`,
    `| createCustomer b/c requests/s (logs on: the reference CRM against Fastify) | ${ratio(create, stub, fastify, rps).toFixed(3)} |`,
    `| createCustomer b0/c0 requests/s (logs off) | ${ratio(create, stubUnlogged, fastifyUnlogged, rps).toFixed(3)} |`,
    `| createCustomer p99 b / p99 c | ${ratio(create, stub, fastify, (r) => r.p99).toFixed(3)} |`,
    `| createCustomer b0/a requests/s (against bare node:http doing the work) | ${ratio(create, stubUnlogged, bare, rps).toFixed(3)} |`,
    `| createCustomer b/b0 requests/s (what the request log leaves) | ${ratio(create, stub, stubUnlogged, rps).toFixed(3)} |`,
    `| createCustomer b/d requests/s (against Prism) | ${ratio(create, stub, prism, rps).toFixed(1)} |`,
    `| createCustomer e/a requests/s (SQLite, log on) | ${ratio(create, sqlite, bare, rps).toFixed(3)} |`,
    `| createCustomer e/e0 requests/s (what the request log leaves, SQLite) | ${ratio(create, sqlite, sqliteUnlogged, rps).toFixed(3)} |`,
    ...metricsCost,
    ...onPostgres.flatMap((target) => [
      `| createCustomer ${target.key}/e requests/s (PostgreSQL against SQLite) | ${ratio(create, target, sqlite, rps).toFixed(3)} |`,
      `| createCustomer ${target.key}/a requests/s | ${ratio(create, target, bare, rps).toFixed(3)} |`,
    ]),
    `| findCustomer e/c requests/s (SQLite, ${customers} customers, logs on) | ${ratio(find, sqlite, fastify, rps).toFixed(3)} |`,
    `| findCustomer e0/c0 requests/s (logs off) | ${ratio(find, sqliteUnlogged, fastifyUnlogged, rps).toFixed(3)} |`,
    `| findCustomer p99 e / p99 c | ${ratio(find, sqlite, fastify, (r) => r.p99).toFixed(3)} |`,
    `| findCustomer e0/a requests/s | ${ratio(find, sqliteUnlogged, bare, rps).toFixed(3)} |`,
    `| searchCustomers e/c requests/s (logs on) | ${ratio(search, sqlite, fastify, rps).toFixed(3)} |`,
    `| searchCustomers e0/c0 requests/s (logs off) | ${ratio(search, sqliteUnlogged, fastifyUnlogged, rps).toFixed(3)} |`,
    `| searchCustomers p99 e / p99 c | ${ratio(search, sqlite, fastify, (r) => r.p99).toFixed(3)} |`,
    `| searchCustomers e0/a requests/s | ${ratio(search, sqliteUnlogged, bare, rps).toFixed(3)} |`,
    `| SQLite rows added / 201s seen, 20,000 creates to (e) | ${sqliteRows} |`,
    ...postgresRows,
    `| generated client / hand fetch, time per request on (a) | ${overhead.toFixed(3)} |`,
    "",
    `${rounds} rounds × ${seconds} s per server and operation, ${connections} connections, Node ${process.version}, ${availableParallelism()} cores shared by the load generator, the servers and PostgreSQL; client: median of 40 paired blocks of 100 sequential requests.`,
  ];
  console.log(lines.join("\n"));
} finally {
  await Promise.all(all.map((t) => t.stop()));
  await postgres?.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
