// `npm run soak`: sustained load on the reference CRM on SQLite, loopback only, bounded in time and count.
// 100 connections send a fixed mix of valid and invalid requests for about SOAK_SECONDS (default 60),
// after a 10 s warm-up that also sizes the run: the request count is fixed, so every answer is waited for
// and every 201 can be matched with a stored row. Reports throughput, latency, errors, timeouts, the
// server's memory before and after, and the 201s against the rows added.
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { settledCount } from "./rows.js";
import { SqliteCrmStore } from "../../reference-crm/stores/sqlite.js";
import { startServerScript } from "../shared/server-script.js";
import { jsonHeaders, keyHeader, nonSearchableField, searchableField } from "./workload.js";

const seconds = Number(process.env.SOAK_SECONDS ?? 60);
const connections = 100;
const apiKey = "soak-key";
const json = jsonHeaders(apiKey);
const valid = JSON.stringify({ [searchableField]: "@jane_doe", [nonSearchableField]: "Ünïcødé ✓" });

/** One cycle of what each connection sends, with the status each must get. */
const mix: { request: autocannon.Request; status: number }[] = [
  { request: { method: "POST", path: "/customer", headers: json, body: valid }, status: 201 },
  {
    request: { method: "POST", path: "/customer", headers: { ...json, Accept: "text/plain" }, body: valid },
    status: 201,
  },
  { request: { method: "POST", path: "/customer", headers: json, body: "{}" }, status: 201 },
  { request: { method: "POST", path: "/customer", headers: json, body: '{"favouriteColour":"teal"}' }, status: 400 },
  {
    request: { method: "POST", path: "/customer", headers: json, body: JSON.stringify({ [searchableField]: 42 }) },
    status: 422,
  },
  { request: { method: "POST", path: "/customer", headers: json, body: `{"${searchableField}":` }, status: 400 },
  {
    request: { method: "POST", path: "/customer", headers: { ...json, [keyHeader]: "wrong" }, body: valid },
    status: 401,
  },
  {
    request: { method: "POST", path: "/customer", headers: { ...json, Accept: "image/png" }, body: valid },
    status: 406,
  },
];

const residentMiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

const dataDir = mkdtempSync(join(tmpdir(), "soak-crm-"));
const { process: server, url } = await startServerScript("reference-crm/main.ts", {
  API_KEY: apiKey,
  NODE_ENV: "production",
  STORE: "sqlite",
  DATA_DIR: dataDir,
});
const store = SqliteCrmStore.open(dataDir);
try {
  const load = (options: { duration?: number; maxConnectionRequests?: number }) =>
    autocannon({ url, connections, requests: mix.map((m) => m.request), timeout: 10, ...options });
  console.error(`warming up for 10 s at ${connections} connections…`);
  const warmUp = await load({ duration: 10 });
  const rowsBefore = await settledCount(() => store.count());
  const memoryBefore = residentMiB(server.pid);
  // Whole cycles of the mix on every connection, so each status's count is known exactly; sized by the
  // warm-up's best second (its average still includes the server's cold start).
  const perConnection =
    Math.max(1, Math.round((warmUp.requests.max * seconds) / connections / mix.length)) * mix.length;
  const amount = perConnection * connections;
  console.error(`sending ${amount} requests (about ${seconds} s)…`);
  // The count bounds the run; the duration (autocannon's default is 10 s) only caps it if the server stalls.
  const run = await load({ maxConnectionRequests: perConnection, duration: seconds * 3 });
  const rowsAdded = (await settledCount(() => store.count())) - rowsBefore;
  const memoryAfter = residentMiB(server.pid);

  const count = (status: number) => run.statusCodeStats?.[`${status}` as `${number}`]?.count ?? 0;
  const expected = (status: number) => (amount / mix.length) * mix.filter((m) => m.status === status).length;
  const statuses = [...new Set(mix.map((m) => m.status))].sort();
  const unexpected = run.requests.total - statuses.reduce((n, status) => n + count(status), 0);
  const growth = ((memoryAfter - memoryBefore) / memoryBefore) * 100;
  console.log(
    [
      `| measure | value | target |`,
      `| --- | --- | --- |`,
      `| requests | ${run.requests.total} in ${run.duration.toFixed(1)} s | ${amount} |`,
      `| requests/s | ${Math.round(run.requests.average)} | |`,
      `| latency p50 / p99 | ${run.latency.p50} ms / ${run.latency.p99} ms | |`,
      `| errors / timeouts | ${run.errors} / ${run.timeouts} | 0 / 0 |`,
      ...statuses.map((status) => `| ${status} answers | ${count(status)} | ${expected(status)} |`),
      `| any other status (5xx included) | ${unexpected} | 0 |`,
      `| server memory (RSS) after warm-up → end | ` +
        `${memoryBefore.toFixed(1)} MiB → ${memoryAfter.toFixed(1)} MiB ` +
        `(${growth >= 0 ? "+" : ""}${growth.toFixed(1)} %) | < +20 % |`,
      `| rows added / 201s seen | ${rowsAdded} / ${count(201)} | equal |`,
      "",
      `${connections} connections on loopback, a cycle of ${mix.length} requests (${statuses.join(", ")}), ` +
        `Node ${process.version}.`,
    ].join("\n"),
  );
} finally {
  await store.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
