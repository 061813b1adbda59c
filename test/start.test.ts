// `npm start` as a user runs it: one ready line, a random key when none is set, a graceful SIGTERM.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { projectRoot } from "../scripts/shared/paths.js";
import { startServerScript } from "../scripts/shared/server-script.js";
import { searchableOne } from "./support/fields.js";

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "crm-start-"));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

async function startServer(env: Record<string, string>) {
  const started = await startServerScript("reference-crm/main.ts", { DATA_DIR: dataDir, ...env });
  return { server: started.process, line: started.line, url: started.url };
}

const post = (url: string, key: string) =>
  fetch(`${url}/customer`, {
    method: "POST",
    headers: { Authorization: key, "Content-Type": "application/json" },
    body: "{}",
  });

describe("npm start", () => {
  it(
    "without API_KEY, makes a key once, keeps it with the data, " +
      "prints it with what to register in Khoros on every start",
    async () => {
      /** The key a server printed, once it has printed the line with it. */
      const keyOf = (server: { recentOutput(): string }) =>
        vi.waitFor(() => /authHeaderValue (\S+) \(kept in /.exec(server.recentOutput())![1]!, {
          timeout: 5000,
          interval: 50,
        });
      const first = await startServer({ API_KEY: "", STORE: "memory" });
      const key = await keyOf(first.server);
      await first.server.stop();
      expect(readFileSync(join(dataDir, "api-key"), "utf8").trim()).toBe(key);
      expect(statSync(join(dataDir, "api-key")).mode & 0o777).toBe(0o600);
      const restarted = await startServer({ API_KEY: "", STORE: "memory" });
      const elsewhere = await startServerScript("reference-crm/main.ts", {
        API_KEY: "",
        STORE: "memory",
        DATA_DIR: join(dataDir, "elsewhere"),
      });
      try {
        expect(await keyOf(restarted.server)).toBe(key);
        expect(restarted.server.recentOutput()).toContain(
          `register it in Khoros Marketing: instanceUrl ${restarted.url} · authHeaderValue ${key} (kept in `,
        );
        expect((await post(restarted.url, key)).status).toBe(201); // the key Khoros was given still works
        expect(await keyOf(elsewhere.process)).not.toBe(key);
        expect((await post(elsewhere.url, key)).status).toBe(401);
      } finally {
        await Promise.all([restarted.server.stop(), elsewhere.process.stop()]);
      }
    },
  );

  it("on a port in use, says so in one line and exits 1", async () => {
    const first = await startServer({ API_KEY: "k", STORE: "memory" });
    try {
      const port = new URL(first.url).port;
      const second = await promisify(execFile)(process.execPath, ["--import", "tsx", "reference-crm/main.ts"], {
        cwd: projectRoot,
        env: { ...process.env, PORT: port, API_KEY: "k", STORE: "memory", DATA_DIR: dataDir },
      }).catch((error: { code: number; stdout: string; stderr: string }) => error);
      expect(second).toMatchObject({ code: 1, stdout: "" });
      expect((second as { stderr: string }).stderr).toBe(
        `Port ${port} on 127.0.0.1 is in use: stop what uses it, or start on another port, ` +
          `e.g. PORT=${Number(port) + 1} npm start.\n`,
      );
    } finally {
      await first.server.stop();
    }
  });

  it("npm run mock on a port in use says so in one line and exits 1", async () => {
    const first = await startServer({ API_KEY: "k", STORE: "memory" });
    try {
      const port = new URL(first.url).port;
      const mock = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/contract/mock.ts"], {
        cwd: projectRoot,
        env: { ...process.env, PORT: port },
      }).catch((error: { code: number; stdout: string; stderr: string }) => error);
      expect(mock).toMatchObject({ code: 1, stdout: "" });
      expect((mock as { stderr: string }).stderr).toBe(
        `Port ${port} is in use: stop what uses it, or start the mock on another port, ` +
          `e.g. PORT=${Number(port) + 1} npm run mock.\n`,
      );
    } finally {
      await first.server.stop();
    }
  });

  it(
    "logs one JSON line per request (not on a terminal): method, path, status, duration, request id, " +
      "operation, agent; never a key or a body",
    async () => {
      const { server, url } = await startServer({ API_KEY: "log-key", STORE: "memory" });
      try {
        const created = await fetch(`${url}/customer?secret=query`, {
          method: "POST",
          headers: {
            Authorization: "log-key",
            "Content-Type": "application/json",
            "x-sf-user-email": "jane.agent@example.com",
          },
          body: JSON.stringify({ [searchableOne]: "a body field" }),
        });
        const refused = await fetch(`${url}/customer/cus_x`, { headers: { Authorization: "wrong-key" } });
        const page = await fetch(`${url}/docs`, { method: "POST" });
        const ids = [created, refused, page].map((r) => r.headers.get("x-request-id"));
        const lines = await vi.waitFor(() => {
          const found = server
            .recentOutput()
            .split("\n")
            .filter((line) => line.startsWith("{"));
          if (found.length < 3) throw new Error("not logged yet");
          return found.map((line) => JSON.parse(line) as Record<string, unknown>);
        });
        // pino's lines, with pino-http's field names, which log pipelines know.
        const line = (
          id: string | null,
          method: string,
          url: string,
          statusCode: number,
          more: Record<string, unknown>,
        ) => ({
          level: 30,
          time: expect.any(Number),
          pid: expect.any(Number),
          req: { id, method, url },
          res: { statusCode },
          responseTime: expect.any(Number),
          ...more,
        });
        expect(lines).toEqual([
          line(ids[0]!, "POST", "/customer", 201, { operationId: "createCustomer", agent: "jane.agent@example.com" }),
          line(ids[1]!, "GET", "/customer/cus_x", 401, { operationId: "findCustomer" }),
          line(ids[2]!, "POST", "/docs", 405, {}),
        ]);
        expect(server.recentOutput()).not.toMatch(/log-key|wrong-key|a body field|secret=query/);
      } finally {
        await server.stop();
      }
    },
  );

  it("with API_KEY, accepts each comma-separated key and prints none", async () => {
    const { server, line, url } = await startServer({ API_KEY: "alpha-key, beta-key" });
    try {
      expect(line).not.toContain("alpha-key");
      expect((await post(url, "alpha-key")).status).toBe(201);
      expect((await post(url, "beta-key")).status).toBe(201);
    } finally {
      await server.stop();
    }
  });

  it("creates a customer with npm run create-customer (the generated client), whose url opens its page", async () => {
    const { server, url } = await startServer({ API_KEY: "readme-key" });
    const run = (json: string) =>
      promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/contract/create-customer.ts", json], {
        cwd: projectRoot,
        env: { ...process.env, CRM_URL: url, API_KEY: "readme-key" },
      });
    try {
      const { stdout } = await run(`{"${searchableOne}": "@jane_doe"}`);
      const link = /open (http:\/\/\S+)/.exec(stdout)![1]!;
      const page = await fetch(link);
      expect([page.status, await page.text()]).toEqual([200, expect.stringContaining("@jane_doe")]);
      const refused = await run('{"favouriteColour": "teal"}').catch(
        (error: { code: number; stderr: string }) => error,
      );
      expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('400: {"error":"invalid_field"') });
      const malformed = await run(`{"${searchableOne}": `).catch((error: { code: number; stderr: string }) => error);
      expect(malformed).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/^The customer must be a JSON object, such as .*\)\.\n$/),
      });
    } finally {
      await server.stop();
    }
  });

  it("on SIGTERM, finishes the request in flight, refuses new ones, closes the database and exits 0", async () => {
    const { server, url } = await startServer({ API_KEY: "k" });
    const body = JSON.stringify({ [searchableOne]: "in flight" });
    const inFlight = new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${url}/customer`, {
        method: "POST",
        headers: { Authorization: "k", "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on("error", reject);
      req.write(body.slice(0, 10)); // the rest arrives after SIGTERM
      setTimeout(() => {
        process.kill(server.pid, "SIGTERM");
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 200);
    });
    expect(await inFlight).toBe(201);
    await expect(post(url, "k")).rejects.toThrow();
    expect(await server.exited).toBe(0);
    expect(existsSync(join(dataDir, "crm.sqlite"))).toBe(true);
    expect(existsSync(join(dataDir, "crm.sqlite-wal"))).toBe(false); // closed: the log was folded into the file
  });
});
