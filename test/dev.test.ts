// `npm run dev` on a copy of spec/: a save gives one line and fresh output (generated/, docs, mock);
// a broken save gives one line and keeps the last good output; stopping it stops its mock too.
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { projectRoot } from "../scripts/shared/paths.js";
import { freePort, type ManagedProcess, startProcess } from "../scripts/shared/managed-process.js";
import { packageBin } from "../scripts/shared/package-bin.js";

let scratch: string;
let dev: ManagedProcess;
let mockUrl: string;
const paths = (dir: string) => ({
  spec: join(dir, "spec"),
  generated: join(dir, "generated"),
  docs: join(dir, "docs/index.html"),
});
const cycleLine = /^\d\d:\d\d:\d\d (.+) · (lint ok|lint: .+|lint could not run) · (.+) · \d+\.\d s$/;
const linesAbout = (file: string) => dev.recentOutput().split("\n").filter((line) => line.includes(`${file} changed`));

/** Waits (polling dev's output) until one cycle line mentions the file, and returns it. */
async function nextLineAbout(file: string): Promise<string> {
  return vi.waitFor(
    () => {
      const [line] = linesAbout(file);
      if (!line) throw new Error(`no line about ${file} yet:\n${dev.recentOutput()}`);
      return line;
    },
    { timeout: 60_000, interval: 100 },
  );
}

const createCustomer = (body: unknown) =>
  fetch(`${mockUrl}/customer`, {
    method: "POST",
    headers: { Authorization: "test-key", "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "dev-"));
  cpSync(join(projectRoot, "spec"), paths(scratch).spec, { recursive: true });
  const port = await freePort();
  mockUrl = `http://127.0.0.1:${port}`;
  const { spec, generated, docs } = paths(scratch);
  dev = await startProcess({
    command: process.execPath,
    args: [packageBin("tsx", "tsx"), join(projectRoot, "scripts/contract/dev.ts"), "--spec", spec, "--generated", generated, "--docs", docs, "--port", String(port)],
    cwd: projectRoot,
    env: { ...process.env, REDOCLY_TELEMETRY: "off" },
    ready: /^dev: watching /,
    timeoutMs: 60_000,
  });
}, 90_000);

afterAll(async () => {
  await dev?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe("npm run dev", () => {
  it("starts with a full cycle: generated/, the docs and the mock", async () => {
    const start = dev.recentOutput().split("\n").find((line) => line.includes(" start · "));
    expect(start).toMatch(cycleLine);
    expect(start).toContain(" · lint ok · regenerated, docs rebuilt, mock restarted · ");
    const { generated, docs } = paths(scratch);
    for (const file of ["openapi.yaml", "types.ts", "client.ts"]) expect(existsSync(join(generated, file)), file).toBe(true);
    expect(existsSync(docs)).toBe(true);
    expect((await createCustomer({ customSearchableCustomerFieldOne: "@jane_doe" })).status).toBe(201);
  });

  it("answers a save with one line, and regenerates everything from it", async () => {
    const { spec, generated, docs } = paths(scratch);
    expect((await createCustomer({ loyaltyTier: "gold" })).status).toBe(422); // not a field yet
    appendFileSync(
      join(spec, "components/schemas/NonSearchableCustomerFields.yaml"),
      "  loyaltyTier:\n    type: string\n    description: The customer's loyalty tier.\n    x-searchable: false\n    x-label: Loyalty tier\n    x-field-type: text\n    examples:\n      - gold\n",
    );
    const line = await nextLineAbout("components/schemas/NonSearchableCustomerFields.yaml");
    expect(line).toMatch(cycleLine);
    expect(line).toContain(" · lint ok · regenerated, docs rebuilt, mock restarted · ");
    expect(readFileSync(join(generated, "types.ts"), "utf8")).toContain("loyaltyTier?: string;");
    expect(readFileSync(join(generated, "openapi.yaml"), "utf8")).toContain("loyaltyTier:");
    expect(readFileSync(docs, "utf8")).toContain("The customer's loyalty tier.");
    expect((await createCustomer({ loyaltyTier: "gold" })).status).toBe(201); // the restarted mock knows it
    expect(linesAbout("components/schemas/NonSearchableCustomerFields.yaml")).toHaveLength(1); // one save, one cycle
  });

  it("reports a broken save in one line and keeps the last good output", async () => {
    const { spec, generated } = paths(scratch);
    const before = readFileSync(join(generated, "openapi.yaml"), "utf8");
    appendFileSync(join(spec, "components/schemas/ErrorMessage.yaml"), "broken: : :\n");
    const line = await nextLineAbout("components/schemas/ErrorMessage.yaml");
    expect(line).toMatch(cycleLine);
    expect(line).toMatch(/ · lint: \d+ errors?, \d+ warnings? \(first: [a-z-]+\) · generate failed, last good output kept · /);
    expect(readFileSync(join(generated, "openapi.yaml"), "utf8")).toBe(before);
    expect((await createCustomer({ loyaltyTier: "gold" })).status).toBe(201); // the mock still runs
  });

  it("stops its mock when it stops", async () => {
    await dev.stop();
    await expect(dev.exited).resolves.toBe(0);
    await expect(createCustomer({})).rejects.toThrow(); // nothing listens on the mock's port any more
  });
});
