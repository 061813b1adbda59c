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
import { PostgresCrmStore } from "../../reference-crm/stores/postgres.js";
import { SqliteCrmStore } from "../../reference-crm/stores/sqlite.js";
import { startMock } from "../contract/mock.js";
import { createScratchDatabase, type ScratchDatabase } from "../shared/scratch-database.js";
import { startServerScript } from "../shared/server-script.js";
import { clientOverhead } from "./client-overhead.js";
import { type BenchServers, ratioTable, runTable, type RunsOf } from "./bench-tables.js";
import { connections, load, type Run, type Scenario, type Target } from "./load.js";
import { settledCount } from "./rows.js";
import { createCustomerBody, jsonHeaders, nonSearchableField, searchableField } from "./workload.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const customers = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const handles = customers / 5; // each searched handle belongs to 5 customers
const apiKey = "bench-key";
const headers = jsonHeaders(apiKey);

/** Starts a server as in production, its stdout on a file in the bench's folder. */
async function startScript(dataDir: string, key: string, name: string, script: string, env: Record<string, string>) {
  const stdoutFile = join(dataDir, `stdout-${key}.log`);
  const production = { API_KEY: apiKey, NODE_ENV: "production", ...env };
  const { process: child, url } = await startServerScript(script, production, undefined, { stdoutFile });
  return { key, name, url, group: child.pid, stop: () => child.stop() } satisfies Target;
}

/** The SQLite file the find and search scenarios read: `customers` customers, 5 to each searched handle. */
async function seed(dataDir: string): Promise<string[]> {
  const store = SqliteCrmStore.open(dataDir);
  const made = await Promise.all(
    Array.from({ length: customers }, (_, i) =>
      store.createCustomer({ [searchableField]: `@user${i % handles}`, [nonSearchableField]: "Seeded" }),
    ),
  );
  await store.close();
  return made.filter((_, i) => i % 97 === 0).map((c) => c.id); // a spread of ids to find
}

/** Every 201 must be a row. A timed run stops with requests in flight (stored, never seen answered), so
 * this sends an exact number and waits for every answer, the rows counted before and after by another
 * connection once they stop changing. */
async function rowsAgainstCreated(target: Target, scenario: Scenario, count: () => Promise<number>): Promise<string> {
  const before = await settledCount(count);
  const run = await load(target, scenario, 0, 20_000);
  return `${(await settledCount(count)) - before} / ${run.succeeded}`;
}

/** Starts every server, each added to `started` as soon as it runs (so that all of them are stopped). */
async function startServers(
  dataDir: string,
  postgres: ScratchDatabase | undefined,
  started: Target[],
): Promise<BenchServers> {
  const start = async (key: string, name: string, script: string, env: Record<string, string>) => {
    const target = await startScript(dataDir, key, name, script, env);
    started.push(target);
    return target;
  };
  const startPrism = async () => {
    const mock = await startMock();
    const target: Target = { key: "d", name: "Prism 5.14 mock", url: mock.url, stop: mock.stop };
    started.push(target);
    return target;
  };
  const env = { DATA_DIR: dataDir };
  const crm = "dist/reference-crm/main.js";
  const fastifyScript = "scripts/perf/fastify-server.ts";
  const servers: BenchServers = {
    bare: await start("a", "bare node:http (the work, no validation, no log)", "scripts/perf/bare-server.ts", env),
    stub: await start("b", "reference CRM in memory", crm, { STORE: "memory" }),
    stubUnlogged: await start("b0", "reference CRM in memory, no request log", crm, {
      STORE: "memory",
      REQUEST_LOG: "off",
    }),
    stubMetered: await start("bm", "reference CRM in memory, metrics on", crm, { STORE: "memory", METRICS_PORT: "0" }),
    fastify: await start("c", "Fastify 5, its default logger (same schemas, key check, handler)", fastifyScript, env),
    fastifyUnlogged: await start("c0", "Fastify 5, no logger", fastifyScript, { ...env, LOG: "off" }),
    prism: await startPrism(),
    sqlite: await start("e", "reference CRM on SQLite (WAL)", crm, { STORE: "sqlite", ...env }),
    sqliteUnlogged: await start("e0", "reference CRM on SQLite, no request log", crm, {
      STORE: "sqlite",
      REQUEST_LOG: "off",
      ...env,
    }),
    sqliteMetered: await start("em", "reference CRM on SQLite, metrics on", crm, {
      STORE: "sqlite",
      METRICS_PORT: "0",
      ...env,
    }),
    onPostgres: [],
  };
  if (postgres) {
    const pgEnv = { STORE: "postgres", DATA_DIR: dataDir, ...postgres.env };
    servers.onPostgres.push(await start("g", "reference CRM on PostgreSQL, 1 worker", crm, pgEnv));
    servers.onPostgres.push(
      await start("h", "reference CRM on PostgreSQL, 2 workers", crm, { ...pgEnv, WORKERS: "2" }),
    );
  } else {
    console.error("no PostgreSQL (DATABASE_URL or PG*): benching without it; `pg_virtualenv npm run bench` adds it");
  }
  return servers;
}

/** createCustomer on every server; findCustomer and searchCustomers on those that read the seeded file. */
function scenariosFor(servers: BenchServers, all: Target[], ids: string[]): [Scenario, Scenario, Scenario] {
  let next = 0;
  const { bare, fastify, fastifyUnlogged, sqlite, sqliteUnlogged, sqliteMetered } = servers;
  const readers = [bare, fastify, fastifyUnlogged, sqlite, sqliteUnlogged, sqliteMetered];
  const findPath = () => `/customer/${ids[next++ % ids.length]}`;
  const searchBody = () => JSON.stringify({ [searchableField]: `@user${next++ % handles}` });
  return [
    {
      name: "createCustomer",
      status: 201,
      targets: all,
      requests: () => [{ method: "POST", path: "/customer", headers, body: createCustomerBody }],
    },
    {
      name: "findCustomer",
      status: 200,
      targets: readers,
      requests: () => [{ method: "GET", headers, setupRequest: (request) => ({ ...request, path: findPath() }) }],
    },
    {
      name: "searchCustomers",
      status: 200,
      targets: readers,
      requests: () => [
        {
          method: "POST",
          path: "/customers",
          headers,
          setupRequest: (request) => ({ ...request, body: searchBody() }),
        },
      ],
    },
  ];
}

/** A warm-up, then `rounds` rounds in which every server runs every scenario in turn. */
async function measure(scenarios: Scenario[]): Promise<RunsOf> {
  console.error(
    `warming up, then ${rounds} rounds of ${seconds} s per server and operation at ${connections} connections…`,
  );
  for (const scenario of scenarios) for (const target of scenario.targets) await load(target, scenario, 1);
  const runs = new Map<string, Run[]>();
  const runsOf = (scenario: Scenario, target: Target) => runs.get(`${scenario.name} ${target.key}`)!;
  for (const scenario of scenarios)
    for (const target of scenario.targets) runs.set(`${scenario.name} ${target.key}`, []);
  for (let round = 1; round <= rounds; round++) {
    for (const scenario of scenarios) {
      // Every other round in reverse: a server run late in a round is slower (seen here), so none always is.
      const order = round % 2 ? scenario.targets : [...scenario.targets].reverse();
      for (const target of order) runsOf(scenario, target).push(await load(target, scenario, seconds));
      const rates = scenario.targets.map((t) => `${t.key} ${Math.round(runsOf(scenario, t).at(-1)!.rps)}/s`);
      console.error(`round ${round} ${scenario.name}: ${rates.join(", ")}`);
    }
  }
  return runsOf;
}

const all: Target[] = [];
const dataDir = mkdtempSync(join(tmpdir(), "bench-crm-"));
const postgres =
  process.env.DATABASE_URL || process.env.PGHOST
    ? await createScratchDatabase("crm_bench", "unset DATABASE_URL and PGHOST to bench without it")
    : undefined;
try {
  console.error(`seeding ${customers} customers into SQLite…`);
  const ids = await seed(dataDir);
  const servers = await startServers(dataDir, postgres, all);
  const scenarios = scenariosFor(servers, all, ids);
  const runsOf = await measure(scenarios);
  const sqliteStore = SqliteCrmStore.open(dataDir);
  const sqliteRows = await rowsAgainstCreated(servers.sqlite, scenarios[0], async () => sqliteStore.count());
  await sqliteStore.close();
  const postgresRows: string[] = [];
  if (postgres) {
    const pgStore = await PostgresCrmStore.open(postgres.config);
    for (const target of servers.onPostgres) {
      const rows = await rowsAgainstCreated(target, scenarios[0], () => pgStore.count());
      postgresRows.push(`| PostgreSQL rows added / 201s seen, 20,000 creates to (${target.key}) | ${rows} |`);
    }
    await pgStore.close();
  }
  const overhead = await clientOverhead(servers.bare.url, apiKey);
  const lines = [
    ...runTable(scenarios, runsOf, servers.onPostgres),
    "",
    ...ratioTable(scenarios, runsOf, servers, customers),
    `| SQLite rows added / 201s seen, 20,000 creates to (e) | ${sqliteRows} |`,
    ...postgresRows,
    `| generated client / hand fetch, time per request on (a) | ${overhead.toFixed(3)} |`,
    "",
    `${rounds} rounds × ${seconds} s per server and operation, ${connections} connections, Node ${process.version}, ` +
      `${availableParallelism()} cores shared by the load generator, the servers and PostgreSQL; ` +
      "client: median of 40 paired blocks of 100 sequential requests.",
  ];
  console.log(lines.join("\n"));
} finally {
  await Promise.all(all.map((t) => t.stop()));
  await postgres?.drop();
  rmSync(dataDir, { recursive: true, force: true });
}
