// The probes a load balancer sends: GET /healthz (the process answers) and GET /readyz (send it requests:
// its store answers, and it is not draining after SIGTERM), at the root whatever the base path, with no key
// and nothing but a status word; any other method the API's 405. On a real PostgreSQL stopped and started
// again, see postgres-servers.test.ts.
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpServer, errorBody, stopGracefully } from "../generated/server.js";
import { createCrmListener } from "../reference-crm/app.js";
import { SqliteCrmStore } from "../reference-crm/stores/sqlite.js";
import { MemoryCrmStore } from "../reference-crm/stores/memory.js";
import type { CrmStore } from "../reference-crm/stores/store.js";
import { startServerScript } from "../scripts/shared/server-script.js";

const apiKey = "health-key";
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

/** The reference CRM in-process on a free loopback port. */
async function startCrm(store: CrmStore, options: { publicUrl?: string; isDraining?: () => boolean } = {}) {
  const server = createHttpServer();
  const settings = { store, publicUrl: "http://crm.test", apiKeys: { k: apiKey }, log: () => {}, ...options };
  const listener = createCrmListener(settings);
  server.on("request", listener).listen(0, "127.0.0.1");
  await once(server, "listening");
  stops.push(() => stopGracefully(server, 1000));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Status, body and the headers a probe's answer must carry. */
async function probe(url: string, init?: RequestInit) {
  const answer = await fetch(url, init);
  const headers = ["content-type", "cache-control", "x-content-type-options"].map((name) => answer.headers.get(name));
  return { status: answer.status, body: await answer.text(), headers };
}
const plain = ["text/plain; charset=utf-8", "no-store", "nosniff"];
const keyed = { Authorization: apiKey, "Content-Type": "application/json" };
const create = (url: string) => fetch(`${url}/customer`, { method: "POST", headers: keyed, body: "{}" });

describe("GET /healthz and GET /readyz", () => {
  it("answer 200 with a status word, without a key; HEAD without the word", async () => {
    const url = await startCrm(new MemoryCrmStore());
    expect(await probe(`${url}/healthz`)).toEqual({ status: 200, body: "ok", headers: plain });
    expect(await probe(`${url}/readyz`)).toEqual({ status: 200, body: "ready", headers: plain });
    expect(await probe(`${url}/readyz?verbose=1`)).toEqual({ status: 200, body: "ready", headers: plain });
    expect(await probe(`${url}/readyz`, { method: "HEAD" })).toEqual({ status: 200, body: "", headers: plain });
  });

  it("are at the root, outside the base path of PUBLIC_URL, where the API answers its 404", async () => {
    const url = await startCrm(new MemoryCrmStore(), { publicUrl: "http://crm.test/api/v1" });
    expect(await probe(`${url}/healthz`)).toEqual({ status: 200, body: "ok", headers: plain });
    expect(await probe(`${url}/readyz`)).toEqual({ status: 200, body: "ready", headers: plain });
    for (const path of ["/api/v1/healthz", "/api/v1/readyz", "/healthz/more"]) {
      const answer = await fetch(`${url}${path}`);
      const notFound = errorBody("notFound", { path });
      expect([answer.status, await answer.json()]).toEqual([404, notFound]);
    }
  });

  it("answer any other method with the API's 405, in the contract's shape, naming GET and HEAD", async () => {
    const url = await startCrm(new MemoryCrmStore());
    for (const [method, path] of [
      ["POST", "/readyz"],
      ["DELETE", "/healthz"],
    ] as const) {
      const answer = await fetch(`${url}${path}`, { method });
      expect(answer.headers.get("allow")).toBe("GET, HEAD");
      const refusal = errorBody("methodNotAllowed", { path, method, allowed: "GET or HEAD" });
      expect([answer.status, await answer.json()]).toEqual([405, refusal]);
    }
  });

  it("/readyz: 503 while the store fails its trivial query, or takes over 1 s; /healthz stays 200", async () => {
    const failing = Object.assign(new MemoryCrmStore(), { ping: () => Promise.reject(new Error("down")) });
    const hanging = Object.assign(new MemoryCrmStore(), { ping: () => new Promise<void>(() => {}) });
    for (const store of [failing, hanging]) {
      const url = await startCrm(store);
      expect(await probe(`${url}/readyz`)).toEqual({ status: 503, body: "unavailable", headers: plain });
      expect(await probe(`${url}/healthz`)).toEqual({ status: 200, body: "ok", headers: plain });
    }
  });

  it("/readyz answers 503 while draining; /healthz and the API still answer", async () => {
    let draining = false;
    const url = await startCrm(new MemoryCrmStore(), { isDraining: () => draining });
    draining = true;
    expect(await probe(`${url}/readyz`)).toEqual({ status: 503, body: "draining", headers: plain });
    expect(await probe(`${url}/healthz`)).toEqual({ status: 200, body: "ok", headers: plain });
    expect((await create(url)).status).toBe(201);
  });
});

describe("GET /readyz on SQLite", () => {
  it("pings it: 200 while it is open, 503 once it is closed", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "crm-health-"));
    const store = SqliteCrmStore.open(dataDir);
    try {
      const url = await startCrm(store);
      expect((await probe(`${url}/readyz`)).status).toBe(200);
      await store.close();
      expect(await probe(`${url}/readyz`)).toEqual({ status: 503, body: "unavailable", headers: plain });
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("npm start, on SIGTERM with DRAIN_SECONDS", () => {
  it("answers /readyz 503 at once, goes on serving for DRAIN_SECONDS, then stops accepting and exits 0", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "crm-drain-"));
    const env = { API_KEY: apiKey, STORE: "memory", DATA_DIR: dataDir, DRAIN_SECONDS: "2" };
    const { process: server, url } = await startServerScript("reference-crm/main.ts", env);
    try {
      expect(await probe(`${url}/readyz`)).toEqual({ status: 200, body: "ready", headers: plain });
      process.kill(server.pid, "SIGTERM");
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await probe(`${url}/readyz`)).toEqual({ status: 503, body: "draining", headers: plain });
      expect(await probe(`${url}/healthz`)).toEqual({ status: 200, body: "ok", headers: plain });
      expect((await create(url)).status).toBe(201);
      expect(await server.exited).toBe(0);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("refuses a DRAIN_SECONDS that is no number of seconds, in one line", async () => {
    const env = { API_KEY: apiKey, STORE: "memory", DRAIN_SECONDS: "soon" };
    const said = /exited \(1\) before it was ready\n[^]*DRAIN_SECONDS must be a number of seconds from 0, not soon\./;
    await expect(startServerScript("reference-crm/main.ts", env)).rejects.toThrow(said);
  });
});
