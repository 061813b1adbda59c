// A customer or a case answered with 201 survives a kill -9 of the server, at rest or under load: every
// one is read back after a restart on the same data, a case with all its interactions in order.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createClient } from "../generated/client.js";
import { SqliteCrmStore } from "../reference-crm/stores/sqlite.js";
import { type StartedServer, startServerScript } from "../scripts/shared/server-script.js";
import { notSearchableTwo, searchableOne, type SearchableField } from "./support/fields.js";

let dataDir: string;
let running: StartedServer | undefined;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "crm-durable-"));
});
afterEach(async () => {
  await running?.process.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it("keeps every acknowledged customer across a SIGKILL and a restart on the same DATA_DIR", async () => {
  const env = { DATA_DIR: dataDir, API_KEY: "durable-key", STORE: "sqlite" };
  running = await startServerScript("reference-crm/main.ts", env);
  const client = createClient({ baseUrl: running.url, apiKey: "durable-key" });
  const sent = Array.from({ length: 60 }, (_, i) => ({
    [searchableOne]: `customer ${i} ✓`,
    ...(i % 3 === 0 ? { [notSearchableTwo]: "" } : {}),
  }));
  const acknowledged = new Map<string, (typeof sent)[number]>();
  await Promise.all(
    sent.map(async (fields) => {
      const result = await client.createCustomer(fields);
      if (result.status === 201) acknowledged.set(result.data.id, fields);
    }),
  );
  expect(acknowledged.size).toBe(sent.length);

  process.kill(running.process.pid, "SIGKILL");
  expect(await running.process.exited).toBe("SIGKILL");

  running = await startServerScript("reference-crm/main.ts", env);
  for (const id of acknowledged.keys()) {
    const response = await fetch(`${running.url}/agent/customers/${id}`);
    expect(response.status, id).toBe(200);
  }
  await running.process.stop();
  running = undefined;
  const store = SqliteCrmStore.open(dataDir);
  for (const [id, fields] of acknowledged) expect(await store.getCustomer(id)).toEqual({ id, ...fields });
  expect(store.count()).toBe(acknowledged.size);
  await store.close();
});

it("keeps every customer acknowledged before a SIGKILL under load", async () => {
  const env = { DATA_DIR: dataDir, API_KEY: "crash-key", STORE: "sqlite", NODE_ENV: "production" };
  running = await startServerScript("reference-crm/main.ts", env);
  const client = createClient({ baseUrl: running.url, apiKey: "crash-key" });
  const acknowledged = new Map<string, Partial<Record<SearchableField, string>>>();
  let failures = 0;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const fields = { [searchableOne]: `load ${next++}` };
      try {
        const result = await client.createCustomer(fields);
        if (result.status === 201) acknowledged.set(result.data.id, fields);
      } catch {
        failures++; // the kill: connection reset or refused
        return;
      }
    }
  };
  const workers = Array.from({ length: 32 }, worker);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  process.kill(running.process.pid, "SIGKILL");
  await Promise.all(workers);
  expect(await running.process.exited).toBe("SIGKILL");
  expect(failures).toBe(32);
  expect(acknowledged.size).toBeGreaterThan(100);

  running = await startServerScript("reference-crm/main.ts", env);
  const sample = [...acknowledged.keys()].filter((_, i) => i % 50 === 0);
  for (const id of sample) expect((await fetch(`${running.url}/agent/customers/${id}`)).status, id).toBe(200);
  await running.process.stop();
  running = undefined;

  const store = SqliteCrmStore.open(dataDir);
  const missing = [];
  for (const [id, fields] of acknowledged) {
    const stored = await store.getCustomer(id);
    if (JSON.stringify(stored) !== JSON.stringify({ id, ...fields })) missing.push(id);
  }
  await store.close();
  expect(missing).toEqual([]);
});

it("keeps every case and interaction acknowledged before a SIGKILL under load, in order", async () => {
  const env = { DATA_DIR: dataDir, API_KEY: "crash-key", STORE: "sqlite", NODE_ENV: "production" };
  running = await startServerScript("reference-crm/main.ts", env);
  const client = createClient({ baseUrl: running.url, apiKey: "crash-key" });
  const customer = await client.createCustomer({ [searchableOne]: "case owner" });
  if (customer.status !== 201) throw new Error(`createCustomer: ${customer.status}`);
  const note = (body: string) => ({
    created: "2026-11-27T09:14:00Z",
    body,
    linkUrl: "https://social.example/1",
    serviceId: body,
    service: "facebook",
    contentType: "post",
  });
  /** Per case: the interactions acknowledged so far, in order. */
  const acknowledged = new Map<string, string[]>();
  let failures = 0;
  let next = 0;
  const worker = async () => {
    try {
      for (;;) {
        const n = next++;
        const created = await client.createCase({
          customerId: customer.data.id,
          title: `case ${n}`,
          interactions: [note(`${n}-a`), note(`${n}-b`)],
        });
        if (created.status !== 201) throw new Error(`createCase: ${created.status}`);
        acknowledged.set(created.data.id, [`${n}-a`, `${n}-b`]);
        const updated = await client.updateCase({ interactions: [note(`${n}-c`)] }, { path: { id: created.data.id } });
        if (updated.status !== 201) throw new Error(`updateCase: ${updated.status}`);
        acknowledged.set(created.data.id, [`${n}-a`, `${n}-b`, `${n}-c`]);
      }
    } catch (error) {
      if (!(error instanceof TypeError)) throw error; // the kill: connection reset or refused
      failures++;
    }
  };
  const workers = Array.from({ length: 16 }, worker);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  process.kill(running.process.pid, "SIGKILL");
  await Promise.all(workers);
  expect(failures).toBe(16);
  expect(acknowledged.size).toBeGreaterThan(20);
  await running.process.exited;
  running = undefined;

  const store = SqliteCrmStore.open(dataDir);
  const lost = [];
  for (const [id, interactions] of acknowledged) {
    const stored = (await store.getCase(id))?.interactions.map((i) => i.body) ?? [];
    // What was acknowledged is there, in order; an update in flight at the kill may have landed too.
    if (JSON.stringify(stored.slice(0, interactions.length)) !== JSON.stringify(interactions)) lost.push(id);
  }
  await store.close();
  expect(lost).toEqual([]);
});
