// Metrics in Prometheus' text format: the kit's helper (khoros-crm-kit/metrics) on an integrator's own
// server, then the reference CRM with METRICS_PORT after the agent's journey: every operation counted by
// status, with its latency, under its route's template (no id in any label), the store's calls timed, and
// nothing of it on the port Khoros calls. Two workers in one scrape: postgres-servers.test.ts.
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpServer, createRequestListener, errorBody, routes, stopGracefully } from "../generated/server.js";
import { createHandlers } from "../reference-crm/handlers.js";
import { MemoryCrmStore } from "../reference-crm/stores/memory.js";
import { type StartedServer, startServerScript } from "../scripts/shared/server-script.js";
import { verify } from "../scripts/verify/runner.js";
import { createMetrics, latencyBuckets, type Metrics } from "../src/metrics.js";
import { latencyBucket, metricsUrlOf, parseSamples, requestsTotal, total } from "./support/prometheus.js";
import { searchableOne } from "./support/fields.js";

const apiKey = "metrics-key";
const headers = { Authorization: apiKey, "Content-Type": "application/json" };
const operationIds = Object.values(routes).map((route) => route.operationId);

/** An integrator's server on the stub, its metrics told of every response and its requests in flight counted. */
async function startIntegratorServer(metrics: Metrics) {
  const handlers = createHandlers({ store: new MemoryCrmStore(), publicUrl: "http://crm.test" });
  const listener = createRequestListener({ handlers, apiKeys: { k: apiKey }, requestLog: metrics.record });
  const server = createHttpServer().on("request", metrics.countInFlight(listener)).listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, stop: () => stopGracefully(server, 1000) };
}

describe("createMetrics, on an integrator's own server (createRequestListener)", () => {
  const metrics = createMetrics();
  let url: string;
  let stop: () => Promise<void>;
  beforeAll(async () => ({ url, stop } = await startIntegratorServer(metrics)));
  afterAll(() => stop());
  const scrape = async () => parseSamples(await metrics.registry.metrics());

  it("counts requests by operation, route template, method and status; never a raw path or id", async () => {
    const answer = await fetch(`${url}/customer`, { method: "POST", headers, body: "{}" });
    const created = (await answer.json()) as { id: string };
    await fetch(`${url}/customer/${created.id}`, { headers });
    await fetch(`${url}/customer/${created.id}`, { headers: { Authorization: "wrong" } });
    await fetch(`${url}/customer/cus_unknown`, { headers });
    await fetch(`${url}/no/such/path/${created.id}`);
    const samples = await scrape();
    const create = { operation: "createCustomer", route: "/customer", method: "POST", status: "201" };
    expect(total(samples, requestsTotal, create)).toBe(1);
    const find = { operation: "findCustomer", route: "/customer/{id}", method: "GET" };
    const byStatus = ["200", "401", "404"].map((status) => total(samples, requestsTotal, { ...find, status }));
    expect(byStatus).toEqual([1, 1, 1]);
    expect(total(samples, requestsTotal, { operation: "none", route: "none", method: "GET", status: "404" })).toBe(1);
    expect(total(samples, "khoros_crm_request_duration_seconds_count", find)).toBe(3);
    const labelValues = samples.flatMap((sample) => Object.values(sample.labels));
    expect(labelValues.filter((value) => value.includes("cus_") || value.includes("/no/such"))).toEqual([]);
  });

  it("times each operation in latency buckets, and has the process's default metrics", async () => {
    const samples = await scrape();
    const buckets = samples.filter((s) => s.name === latencyBucket && s.labels.operation === "createCustomer");
    expect(buckets.map((bucket) => bucket.labels.le)).toEqual([...latencyBuckets.map(String), "+Inf"]);
    expect(buckets.at(-1)!.value).toBe(1);
    expect(total(samples, "process_cpu_seconds_total")).toBeGreaterThan(0);
    expect(total(samples, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
  });

  it("counts a request in flight until it is answered", async () => {
    const inFlight = async () => total(await scrape(), "khoros_crm_requests_in_flight");
    const body = JSON.stringify({ [searchableOne]: "slow" });
    const length = Buffer.byteLength(body);
    const held = httpRequest(`${url}/customer`, { method: "POST", headers: { ...headers, "Content-Length": length } });
    const answered = new Promise<number>((resolve) => held.on("response", (res) => resolve(res.resume().statusCode!)));
    held.write(body.slice(0, 5));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await inFlight()).toBe(1);
    held.end(body.slice(5));
    expect(await answered).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await inFlight()).toBe(0);
  });
});

describe("createMetrics with a registry of yours", () => {
  it("adds only its own metrics to a registry it is given; a method no route has is labelled other", async () => {
    const registry = new Registry();
    const given = createMetrics({ registry, prefix: "crm_" });
    given.record({ method: "BREW", path: "/coffee", status: 405, requestId: "r", ms: 1, header: () => undefined });
    const samples = parseSamples(await registry.metrics());
    expect([...new Set(samples.map((s) => s.name.replace(/_(bucket|sum|count)$/, "")))].sort()).toEqual([
      "crm_request_duration_seconds",
      "crm_requests_in_flight",
      "crm_requests_total",
    ]);
    expect(total(samples, "crm_requests_total", { operation: "none", method: "other", status: "405" })).toBe(1);
  });
});

describe("the reference CRM with METRICS_PORT, after the agent's journey", () => {
  let dataDir: string;
  let crm: StartedServer;
  let metricsUrl: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "crm-metrics-"));
    crm = await startServerScript("reference-crm/main.ts", { API_KEY: apiKey, DATA_DIR: dataDir, METRICS_PORT: "0" });
    metricsUrl = await metricsUrlOf(crm);
    const run = await verify({ url: crm.url, key: apiKey, families: ["journey"] });
    expect(run.outcomes.filter((o) => o.verdict !== "pass")).toEqual([]);
  });
  afterAll(async () => {
    await crm?.process.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("shows each operation's count and latency, and the store's calls, in one scrape", async () => {
    const answer = await fetch(metricsUrl);
    expect(answer.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const samples = parseSamples(await answer.text());
    for (const operation of operationIds) {
      const label = { operation, route: routes[operation as keyof typeof routes].path };
      expect(total(samples, requestsTotal, label), operation).toBeGreaterThan(0);
      expect(total(samples, "khoros_crm_request_duration_seconds_count", label), operation).toBeGreaterThan(0);
      const slowest = total(samples, latencyBucket, { ...label, le: "+Inf" });
      expect(slowest, operation).toBeGreaterThan(0);
    }
    for (const method of ["createCustomer", "getCustomer", "searchCustomers", "createCase", "listCases"]) {
      expect(total(samples, "khoros_crm_store_query_duration_seconds_count", { method }), method).toBeGreaterThan(0);
    }
    const labelValues = samples.flatMap((sample) => Object.values(sample.labels));
    expect(labelValues.filter((value) => /cus_|case_/.test(value))).toEqual([]);
  });

  it("serves nothing of it on the port Khoros calls, and only GET /metrics on its own", async () => {
    const onApi = await fetch(`${crm.url}/metrics`);
    const notFound = (path: string) => errorBody("notFound", { path });
    expect([onApi.status, await onApi.json()]).toEqual([404, notFound("/metrics")]);
    const elsewhere = await fetch(new URL("/", metricsUrl));
    expect([elsewhere.status, await elsewhere.json()]).toEqual([404, notFound("/")]);
    const posted = await fetch(metricsUrl, { method: "POST" });
    const refusal = errorBody("methodNotAllowed", { path: "/metrics", method: "POST", allowed: "GET or HEAD" });
    expect([posted.status, posted.headers.get("allow"), await posted.json()]).toEqual([405, "GET, HEAD", refusal]);
  });

  it("refuses a METRICS_PORT in use, or the same as PORT, in one line", async () => {
    const port = new URL(metricsUrl).port;
    const inUse = startServerScript("reference-crm/main.ts", { API_KEY: apiKey, STORE: "memory", METRICS_PORT: port });
    const said =
      `Port ${port} on 127.0.0.1 is in use: stop what uses it, or start on another port, ` +
      `e.g. METRICS_PORT=${Number(port) + 1} npm start.`;
    await expect(inUse).rejects.toThrow(said);
    const env = { API_KEY: apiKey, STORE: "memory", PORT: "3999", METRICS_PORT: "3999" };
    const same = startServerScript("reference-crm/main.ts", env);
    await expect(same).rejects.toThrow("METRICS_PORT must not be PORT (3999): Khoros calls that one.");
  });
});
