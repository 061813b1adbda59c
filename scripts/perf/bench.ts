// `npm run bench`: the stub server against a bare node:http baseline, Fastify and the Prism mock, and the
// reference CRM on SQLite, measured side by side on loopback with autocannon (50 connections, one request
// body), in alternating rounds (a b c d e a b c d e …) so the machine's noise hits every server alike.
// Then the SQLite rows are counted against the 201s seen, and the generated client is timed against
// hand-written fetch on the baseline. Prints a Markdown table; ratios are medians of per-round ratios.
//   BENCH_SECONDS  length of each run (default 5)     BENCH_ROUNDS  number of rounds (default 3)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { createClient } from "../../generated/client.js";
import { startMock } from "../contract/mock.js";
import { settledCount } from "./rows.js";
import { SqliteCustomerStore } from "../../reference-crm/stores/sqlite.js";
import { startServerScript } from "../shared/server-script.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = 50;
const apiKey = "bench-key";
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
  stop(): Promise<void>;
}

async function startScript(key: string, name: string, script: string, env: Record<string, string> = {}): Promise<Target> {
  const { process: child, url } = await startServerScript(script, { API_KEY: apiKey, NODE_ENV: "production", ...env });
  return { key, name, url, stop: () => child.stop() };
}

interface Run {
  rps: number;
  p99: number;
  created: number;
  non201: number;
  errors: number;
}

/** Loads the target for `duration` seconds, or with exactly `amount` requests (waiting for every answer). */
async function load(target: Target, duration: number, amount?: number): Promise<Run> {
  const result = await autocannon({
    url: `${target.url}/customer`,
    method: "POST",
    headers: { Authorization: apiKey, "Content-Type": "application/json", Accept: "application/json" },
    body,
    connections,
    ...(amount ? { amount } : { duration }),
  });
  const created = result.statusCodeStats?.["201"]?.count ?? 0;
  return { rps: result.requests.average, p99: result.latency.p99, created, non201: result.requests.total - created, errors: result.errors };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Time per request of `send`, over `count` sequential requests. */
async function timePerRequest(send: () => Promise<unknown>, count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) await send();
  return (performance.now() - started) / count;
}

/** Time per request of the generated client over hand-written fetch: the median of paired, adjacent blocks. */
async function clientOverhead(baseUrl: string): Promise<number> {
  const client = createClient({ baseUrl, apiKey });
  const parsedBody = JSON.parse(body) as Parameters<typeof client.createCustomer>[0];
  const generated = async () => {
    const result = await client.createCustomer(parsedBody);
    if (result.status !== 201) throw new Error(`generated client got ${result.status}`);
  };
  const hand = async () => {
    const response = await fetch(`${baseUrl}/customer`, {
      method: "POST",
      headers: { Authorization: apiKey, "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(parsedBody),
    });
    const data: unknown = await response.json();
    if (response.status !== 201 || data === undefined) throw new Error(`fetch got ${response.status}`);
  };
  await timePerRequest(hand, 500); // warm-up of both paths
  await timePerRequest(generated, 500);
  const ratios: number[] = [];
  for (let block = 0; block < 40; block++) {
    // Alternate which goes first, so neither always runs on the heels of the other.
    const [first, second] = block % 2 ? [hand, generated] : [generated, hand];
    const firstTime = await timePerRequest(first, 100);
    const secondTime = await timePerRequest(second, 100);
    ratios.push(first === generated ? firstTime / secondTime : secondTime / firstTime);
  }
  return median(ratios);
}

const targets: Target[] = [];
const dataDir = mkdtempSync(join(tmpdir(), "bench-crm-"));
try {
  targets.push(await startScript("a", "bare node:http (parse JSON, no validation)", "scripts/perf/bare-server.ts"));
  targets.push(await startScript("b", "stub server (validation, in-memory handler)", "reference-crm/main.ts", { STORE: "memory" }));
  targets.push(await startScript("c", "Fastify 5 (same schemas, key check, handler)", "scripts/perf/fastify-server.ts"));
  const mock = await startMock();
  targets.push({ key: "d", name: "Prism 5.14 mock", url: mock.url, stop: mock.stop });
  const sqlite = await startScript("e", "reference CRM on SQLite (WAL)", "reference-crm/main.ts", { STORE: "sqlite", DATA_DIR: dataDir });
  targets.push(sqlite);

  console.error(`warming up, then ${rounds} rounds of ${seconds} s per server at ${connections} connections…`);
  for (const target of targets) await load(target, 1);
  const runs: Record<string, Run[]> = Object.fromEntries(targets.map((t) => [t.key, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const target of targets) runs[target.key]!.push(await load(target, seconds));
    console.error(`round ${round}: ${targets.map((t) => `${t.key} ${Math.round(runs[t.key]!.at(-1)!.rps)}/s`).join(", ")}`);
  }
  // Every 201 must be a row. A timed run stops with requests in flight (stored, never seen answered), so
  // this run sends an exact number and waits for every answer; rows are counted by a second connection.
  const store = SqliteCustomerStore.open(dataDir);
  const rowsBefore = await settledCount(store); // the last timed run's stragglers land first
  const counted = await load(sqlite, 0, 20_000);
  const rowsAdded = store.count() - rowsBefore;
  await store.close();
  const overhead = await clientOverhead(targets[0]!.url);

  const perRound = (x: string, y: string, pick: (run: Run) => number) =>
    median(runs[x]!.map((run, i) => pick(run) / pick(runs[y]![i]!)));
  const lines = [
    `| server | requests/s (median) | p99 ms (median) | non-201 | errors |`,
    `| --- | --- | --- | --- | --- |`,
    ...targets.map((t) => {
      const r = runs[t.key]!;
      return `| (${t.key}) ${t.name} | ${Math.round(median(r.map((x) => x.rps)))} | ${median(r.map((x) => x.p99))} | ${r.reduce((n, x) => n + x.non201, 0)} | ${r.reduce((n, x) => n + x.errors, 0)} |`;
    }),
    "",
    `| ratio | measured | target |`,
    `| --- | --- | --- |`,
    `| b/a requests/s | ${perRound("b", "a", (r) => r.rps).toFixed(3)} | ≥ 0.95 |`,
    `| b/c requests/s | ${perRound("b", "c", (r) => r.rps).toFixed(3)} | ≥ 1.0 |`,
    `| b/d requests/s | ${perRound("b", "d", (r) => r.rps).toFixed(1)} | ≥ 20 |`,
    `| p99 b / p99 a | ${perRound("b", "a", (r) => r.p99).toFixed(3)} | ≤ 1.2 |`,
    `| e/a requests/s (SQLite) | ${perRound("e", "a", (r) => r.rps).toFixed(3)} | ≥ 0.6 |`,
    `| SQLite rows added / 201s seen, 20,000 requests to (e) | ${rowsAdded} / ${counted.created} | equal |`,
    `| generated client / hand fetch, time per request on (a) | ${overhead.toFixed(3)} | ≤ 1.05 |`,
    "",
    `${rounds} rounds × ${seconds} s per server, ${connections} connections, Node ${process.version}; client: median of 40 paired blocks of 100 sequential requests.`,
  ];
  console.log(lines.join("\n"));
} finally {
  await Promise.all(targets.map((t) => t.stop()));
  rmSync(dataDir, { recursive: true, force: true });
}
