// What the hostile-input tests (test/hostile*.test.ts) share: the reference CRM on a scratch SQLite store, with
// a short header timeout, for a file's tests; the headers of a valid JSON request; and how an answer is checked.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import type { errorCatalogue } from "../../generated/server.js";
import { SqliteCrmStore } from "../../reference-crm/stores/sqlite.js";
import type { RawResponse } from "./raw-http.js";
import { apiKeys, startCrmServer } from "./server.js";
import { searchableOne } from "./fields.js";

export const json = { "Content-Type": "application/json", Authorization: apiKeys.primary };
/** An error code of the generated catalogue, so that a test's expected code is checked against the spec's. */
export type ErrorCode = (typeof errorCatalogue)[keyof typeof errorCatalogue]["error"];
export const errorOnly = (error: ErrorCode) => ({ error, message: expect.any(String) });

export interface HostileServer {
  url: string;
  store: SqliteCrmStore;
}

/** The reference CRM on a scratch SQLite store, started before the file's tests and removed after them. */
export function hostileServer(): HostileServer {
  const server = {} as HostileServer; // filled in before the tests run
  let dataDir: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "crm-hostile-"));
    server.store = SqliteCrmStore.open(dataDir);
    ({ url: server.url, close } = await startCrmServer(server.store, undefined, { headersTimeoutMs: 1000 }));
  });
  afterAll(async () => {
    await close();
    await server.store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return server;
}

/** The server still creates a customer after whatever came before. */
export async function stillAnswers(crm: HostileServer) {
  const response = await fetch(`${crm.url}/customer`, {
    method: "POST",
    headers: json,
    body: JSON.stringify({ [searchableOne]: "after" }),
  });
  expect(response.status).toBe(201);
}

export function expectAnswer(response: RawResponse, status: number, body: unknown) {
  expect(response.status).toBe(status);
  expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
  expect(response.headers["x-content-type-options"]).toBe("nosniff");
  expect(response.headers["x-powered-by"]).toBeUndefined();
  expect(JSON.parse(response.body)).toEqual(body);
}
