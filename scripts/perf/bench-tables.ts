// The bench's Markdown tables: each server's medians, and the ratios between servers that matter.
import { median, type Run, type Scenario, type Target } from "./load.js";

/** The servers the bench runs (see bench.ts for what each letter is). */
export interface BenchServers {
  bare: Target;
  stub: Target;
  stubUnlogged: Target;
  /** With its metrics on. */
  stubMetered: Target;
  fastify: Target;
  fastifyUnlogged: Target;
  prism: Target;
  sqlite: Target;
  sqliteUnlogged: Target;
  sqliteMetered: Target;
  onPostgres: Target[];
}

/** The runs of a server in a scenario, one per round. */
export type RunsOf = (scenario: Scenario, target: Target) => Run[];

/** Each server's medians per scenario. */
export function runTable(scenarios: Scenario[], runsOf: RunsOf, onPostgres: Target[]): string[] {
  const row = (scenario: Scenario, t: Target) => {
    const r = runsOf(scenario, t);
    const cpu = (pick: (run: Run) => number | undefined) =>
      r.every((x) => pick(x) !== undefined) ? Math.round(median(r.map((x) => pick(x)!))) : "–";
    const cells = [
      scenario.name,
      `(${t.key}) ${t.name}`,
      Math.round(median(r.map((x) => x.rps))),
      median(r.map((x) => x.p99)),
      r.reduce((n, x) => n + x.others, 0),
      r.reduce((n, x) => n + x.errors, 0),
      cpu((x) => x.serverCpu),
      onPostgres.includes(t) ? cpu((x) => x.postgresCpu) : "–",
    ];
    return `| ${cells.join(" | ")} |`;
  };
  return [
    "| operation | server | requests/s (median) | p99 ms (median) | other statuses | errors | " +
      "server CPU µs/request | PostgreSQL CPU µs/request |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...scenarios.flatMap((scenario) => scenario.targets.map((t) => row(scenario, t))),
  ];
}

type Ratio = (scenario: Scenario, x: Target, y: Target, pick?: (run: Run) => number) => number;

/** What the metrics cost: the rate they leave, and the server CPU per request they add (m against the same server). */
function metricsCost(scenarios: Scenario[], ratio: Ratio, s: BenchServers): [string, number][] {
  const metered: [Scenario, Target, Target, string][] = [[scenarios[0]!, s.stubMetered, s.stub, "in memory"]];
  for (const scenario of scenarios) metered.push([scenario, s.sqliteMetered, s.sqlite, "SQLite"]);
  return metered.flatMap(([scenario, on, off, where]): [string, number][] => [
    [`${scenario.name} ${on.key}/${off.key} requests/s (what the metrics leave, ${where})`, ratio(scenario, on, off)],
    [
      `${scenario.name} ${on.key}/${off.key} server CPU µs/request (what they add, ${where})`,
      ratio(scenario, on, off, (run) => run.serverCpu!),
    ],
  ]);
}

/** The ratios that matter, each the median of per-round ratios. */
export function ratioTable(
  [create, find, search]: Scenario[],
  runsOf: RunsOf,
  s: BenchServers,
  customers: number,
): string[] {
  const ratio: Ratio = (scenario, x, y, pick = (run) => run.rps) =>
    median(runsOf(scenario, x).map((run, i) => pick(run) / pick(runsOf(scenario, y)[i]!)));
  const p99 = (run: Run) => run.p99;
  const lines: [string, number, number?][] = [
    ["createCustomer b/c requests/s (logs on: the reference CRM against Fastify)", ratio(create!, s.stub, s.fastify)],
    ["createCustomer b0/c0 requests/s (logs off)", ratio(create!, s.stubUnlogged, s.fastifyUnlogged)],
    ["createCustomer p99 b / p99 c", ratio(create!, s.stub, s.fastify, p99)],
    ["createCustomer b0/a requests/s (against bare node:http doing the work)", ratio(create!, s.stubUnlogged, s.bare)],
    ["createCustomer b/b0 requests/s (what the request log leaves)", ratio(create!, s.stub, s.stubUnlogged)],
    ["createCustomer b/d requests/s (against Prism)", ratio(create!, s.stub, s.prism), 1],
    ["createCustomer e/a requests/s (SQLite, log on)", ratio(create!, s.sqlite, s.bare)],
    [
      "createCustomer e/e0 requests/s (what the request log leaves, SQLite)",
      ratio(create!, s.sqlite, s.sqliteUnlogged),
    ],
    ...metricsCost([create!, find!, search!], ratio, s),
    ...s.onPostgres.flatMap((t): [string, number][] => [
      [`createCustomer ${t.key}/e requests/s (PostgreSQL against SQLite)`, ratio(create!, t, s.sqlite)],
      [`createCustomer ${t.key}/a requests/s`, ratio(create!, t, s.bare)],
    ]),
    [`findCustomer e/c requests/s (SQLite, ${customers} customers, logs on)`, ratio(find!, s.sqlite, s.fastify)],
    ["findCustomer e0/c0 requests/s (logs off)", ratio(find!, s.sqliteUnlogged, s.fastifyUnlogged)],
    ["findCustomer p99 e / p99 c", ratio(find!, s.sqlite, s.fastify, p99)],
    ["findCustomer e0/a requests/s", ratio(find!, s.sqliteUnlogged, s.bare)],
    ["searchCustomers e/c requests/s (logs on)", ratio(search!, s.sqlite, s.fastify)],
    ["searchCustomers e0/c0 requests/s (logs off)", ratio(search!, s.sqliteUnlogged, s.fastifyUnlogged)],
    ["searchCustomers p99 e / p99 c", ratio(search!, s.sqlite, s.fastify, p99)],
    ["searchCustomers e0/a requests/s", ratio(search!, s.sqliteUnlogged, s.bare)],
  ];
  return [
    "| ratio | measured |",
    "| --- | --- |",
    ...lines.map(([what, value, digits = 3]) => `| ${what} | ${value.toFixed(digits)} |`),
  ];
}
