// `npm start` as a user runs it: one ready line, a random key when none is set, a graceful SIGTERM.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { projectRoot } from "../scripts/shared/paths.js";
import { startServerScript } from "../scripts/shared/server-script.js";

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
  fetch(`${url}/customer`, { method: "POST", headers: { Authorization: key, "Content-Type": "application/json" }, body: "{}" });

describe("npm start", () => {
  it("without API_KEY, makes a random key, prints it once in its ready line, and accepts only it", async () => {
    const first = await startServer({ API_KEY: "", STORE: "memory" });
    const second = await startServer({ API_KEY: "", STORE: "memory" });
    try {
      const keyOf = (line: string) => /API key \(generated[^)]*\): (\S+)/.exec(line)![1]!;
      expect(first.server.recentOutput().trim()).toBe(first.line.trim());
      expect(keyOf(first.line)).not.toBe(keyOf(second.line));
      expect((await post(first.url, keyOf(first.line))).status).toBe(201);
      expect((await post(first.url, keyOf(second.line))).status).toBe(401);
    } finally {
      await Promise.all([first.server.stop(), second.server.stop()]);
    }
  });

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
      const { stdout } = await run('{"customSearchableCustomerFieldOne": "@jane_doe"}');
      const link = /open (http:\/\/\S+)/.exec(stdout)![1]!;
      const page = await fetch(link.replace(/^http:\/\/localhost:/, "http://127.0.0.1:"));
      expect([page.status, await page.text()]).toEqual([200, expect.stringContaining("@jane_doe")]);
      const refused = await run('{"favouriteColour": "teal"}').catch((error: { code: number; stderr: string }) => error);
      expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining('400: {"error":"invalid_field"') });
    } finally {
      await server.stop();
    }
  });

  it("on SIGTERM, finishes the request in flight, refuses new ones, closes the database and exits 0", async () => {
    const { server, url } = await startServer({ API_KEY: "k" });
    const body = '{"customSearchableCustomerFieldOne":"in flight"}';
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
