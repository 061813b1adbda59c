// `npm run profile`: where a server's CPU time goes under load. Starts one of the bench's servers with
// Node's sampling profiler (--cpu-prof), loads it with createCustomer for PROFILE_SECONDS (default 10) at
// 50 connections on loopback, stops it, and prints the functions with the most self time, and the same
// time by file: the project's own files by name, dependencies by package, Node's internals as one.
//   npm run profile -- [stub|stub0|stubm|sqlite|fastify|fastify0|bare]
//   (default stub: the reference CRM in memory, the bench's b; stub0 without its log, stubm with its metrics)
// Its stdout goes to a file, as in production. The profile itself is kept in a temporary folder, named at the end.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import autocannon from "autocannon";
import { projectRoot } from "../shared/paths.js";
import { startServerScript } from "../shared/server-script.js";
import { createCustomerBody, jsonHeaders } from "./workload.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

// As the bench runs them: the reference CRM compiled (`npm run build` first); a "0" is the same without its log.
const servers: Record<string, [script: string, env: Record<string, string>]> = {
  stub: ["dist/reference-crm/main.js", { STORE: "memory" }],
  stub0: ["dist/reference-crm/main.js", { STORE: "memory", REQUEST_LOG: "off" }],
  stubm: ["dist/reference-crm/main.js", { STORE: "memory", METRICS_PORT: "0" }],
  sqlite: ["dist/reference-crm/main.js", { STORE: "sqlite" }],
  fastify: ["scripts/perf/fastify-server.ts", {}],
  fastify0: ["scripts/perf/fastify-server.ts", { LOG: "off" }],
  bare: ["scripts/perf/bare-server.ts", {}],
};
const which = process.argv[2] ?? "stub";
const seconds = Number(process.env.PROFILE_SECONDS ?? 10);
const [script, env] =
  servers[which] ?? (console.error(`profile one of: ${Object.keys(servers).join(", ")}`), process.exit(2));
const folder = mkdtempSync(join(tmpdir(), "profile-"));

const server = await startServerScript(
  script,
  { API_KEY: "profile-key", NODE_ENV: "production", DATA_DIR: folder, ...env },
  projectRoot,
  {
    nodeOptions: ["--cpu-prof", `--cpu-prof-dir=${folder}`],
    stdoutFile: join(folder, "stdout.log"),
  },
);
const headers = jsonHeaders("profile-key");
const body = createCustomerBody;
const warmup = await autocannon({
  url: server.url,
  requests: [{ method: "POST", path: "/customer", headers, body }],
  connections: 50,
  duration: 2,
});
const run = await autocannon({
  url: server.url,
  requests: [{ method: "POST", path: "/customer", headers, body }],
  connections: 50,
  duration: seconds,
});
await server.process.stop(); // SIGTERM: the server exits, and Node writes the profile

const file = readdirSync(folder).find((name) => name.endsWith(".cpuprofile"));
if (!file) throw new Error(`no profile was written in ${folder}`);
const profile = JSON.parse(readFileSync(join(folder, file), "utf8")) as {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
};
const sampled = profile.samples.length;

/** Where a function lives: a project file by its path, a dependency by its package, Node's own as "node". */
function placeOf(url: string, functionName: string): string {
  if (functionName === "(idle)") return "(idle)";
  if (functionName === "(garbage collector)") return "(garbage collector)";
  if (url === "") return "(native: system calls, V8 built-ins)";
  if (url.startsWith("node:")) return "node";
  const path = url.replace(/^file:\/\//, "");
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return dependency ? dependency[1]! : relative(projectRoot, path);
}

const byFunction = new Map<string, number>();
const byPlace = new Map<string, number>();
for (const node of profile.nodes) {
  const hits = node.hitCount ?? 0;
  if (hits === 0) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const place = placeOf(url, functionName);
  const name = `${functionName || "(anonymous)"} ${place}${url ? `:${lineNumber + 1}` : ""}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
  byPlace.set(place, (byPlace.get(place) ?? 0) + hits);
}
// Self time per request, in µs: comparable across servers, whatever their rate. The whole profile also holds
// the warm-up's requests and the idle time before and after, which "(idle)" takes.
const microsPerHit = (profile.endTime - profile.startTime) / sampled;
const requests = warmup.requests.total + run.requests.total;
const top = (counts: Map<string, number>, n: number) =>
  [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, hits]) => {
      const share = `${((100 * hits) / sampled).toFixed(1)} %`;
      const micros = ((hits * microsPerHit) / requests).toFixed(2);
      return `| ${share} | ${micros} | ${name.replaceAll("|", "\\|")} |`;
    });

console.log(
  `${which}: ${Math.round(run.requests.average)} requests/s for ${seconds} s, ${sampled} samples ` +
    `(profile: ${join(folder, file)})\n`,
);
console.log(["| self time | µs per request | by place |", "| --- | --- | --- |", ...top(byPlace, 15)].join("\n"));
console.log(
  ["", "| self time | µs per request | by function |", "| --- | --- | --- |", ...top(byFunction, 25)].join("\n"),
);
