// `npm start` as a user runs it: one ready line, a random key when none is set, a graceful SIGTERM.
import { request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../scripts/generate.js";
import { startProcess } from "../scripts/managed-process.js";

const readyLine = /createCustomer server listening on (http:\/\/\S+)/;

async function startServer(env: Record<string, string>) {
  const server = await startProcess({
    command: process.execPath,
    args: ["--import", "tsx", "scripts/start.ts"],
    cwd: projectRoot,
    env: { ...process.env, PORT: "0", ...env },
    ready: readyLine,
  });
  const line = server.recentOutput().split("\n").find((l) => readyLine.test(l))!;
  return { server, line, url: readyLine.exec(line)![1]! };
}

const post = (url: string, key: string) =>
  fetch(`${url}/customers`, { method: "POST", headers: { "X-API-Key": key, "Content-Type": "application/json" }, body: "{}" });

describe("npm start", () => {
  it("without API_KEY, makes a random key, prints it once in its ready line, and accepts only it", async () => {
    const first = await startServer({ API_KEY: "" });
    const second = await startServer({ API_KEY: "" });
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

  it("on SIGTERM, finishes the request in flight, refuses new ones and exits 0", async () => {
    const { server, url } = await startServer({ API_KEY: "k" });
    const body = '{"customSearchableCustomerFieldOne":"in flight"}';
    const inFlight = new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${url}/customers`, {
        method: "POST",
        headers: { "X-API-Key": "k", "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
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
  });
});
