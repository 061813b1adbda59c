// A customer answered with 201 survives a kill -9 of the server, at rest or under load: every one is
// read back after a restart on the same data.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createClient } from "../generated/client.js";
import { SqliteCustomerStore } from "../reference-crm/stores/sqlite.js";
import { type StartedServer, startServerScript } from "../scripts/shared/server-script.js";

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
    customSearchableCustomerFieldOne: `customer ${i} ✓`,
    ...(i % 3 === 0 ? { customNonSearchableCustomerFieldTwo: "" } : {}),
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
  const store = SqliteCustomerStore.open(dataDir);
  for (const [id, fields] of acknowledged) expect(await store.get(id)).toEqual({ id, ...fields });
  expect(store.count()).toBe(acknowledged.size);
  await store.close();
});

it("keeps every customer acknowledged before a SIGKILL under load", async () => {
  const env = { DATA_DIR: dataDir, API_KEY: "crash-key", STORE: "sqlite", NODE_ENV: "production" };
  running = await startServerScript("reference-crm/main.ts", env);
  const client = createClient({ baseUrl: running.url, apiKey: "crash-key" });
  const acknowledged = new Map<string, { customSearchableCustomerFieldOne: string }>();
  let failures = 0;
  let next = 0;
  const worker = async () => {
    for (;;) {
      const fields = { customSearchableCustomerFieldOne: `load ${next++}` };
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

  const store = SqliteCustomerStore.open(dataDir);
  const missing = [];
  for (const [id, fields] of acknowledged) {
    const stored = await store.get(id);
    if (JSON.stringify(stored) !== JSON.stringify({ id, ...fields })) missing.push(id);
  }
  await store.close();
  expect(missing).toEqual([]);
});
