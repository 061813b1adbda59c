// `npm run dev` on a copy of spec/: a save gives one line and fresh output (generated/, docs, mock);
// editors' atomic saves (temp file renamed over the original) each give theirs, never naming the temp file;
// a save during a cycle gets one more cycle; a broken save gives one line and keeps the last good output;
// a failing watcher gives one line; stopping it stops its mock too.
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { generate } from "../scripts/generate/generate.js";
import type { ManagedProcess } from "../scripts/shared/managed-process.js";
import { paths, startDevOnCopy } from "./support/dev-on-copy.js";
import { searchableOne } from "./support/fields.js";

let scratch: string;
let dev: ManagedProcess;
let mockUrl: string;
const cycleLine = /^\d\d:\d\d:\d\d (.+) · (lint ok|lint: .+|lint could not run) · (.+) · \d+\.\d s$/;
const linesAbout = (file: string) =>
  dev
    .recentOutput()
    .split("\n")
    .filter((line) => line.includes(`${file} changed`));

/** Waits (polling dev's output) until the file has `count` cycle lines, and returns the last. */
async function lineNumber(count: number, file: string): Promise<string> {
  return vi.waitFor(
    () => {
      const line = linesAbout(file)[count - 1];
      if (!line) throw new Error(`no line ${count} about ${file} yet:\n${dev.recentOutput()}`);
      return line;
    },
    { timeout: 60_000, interval: 100 },
  );
}

/** Runs save() and returns the cycle line it brings (the file's next one). */
const lineAfter = (file: string, save: () => void) => {
  const count = linesAbout(file).length + 1;
  save();
  return lineNumber(count, file);
};

const schema = "components/schemas/NonSearchableCustomerFields.yaml";
/** A custom field, with the extensions the spec's rules ask of one. */
const field = (name: string, label: string) =>
  `  ${name}:\n    type: string\n    description: ${label}.\n` +
  `    x-searchable: false\n    x-label: ${label}\n    x-field-type: text\n`;

/** Saves the way editors and `sed -i` do: the new text into `temp` beside the file, renamed over it. */
function renameSave(file: string, temp: string, edit: (text: string) => string): void {
  const path = join(paths(scratch).spec, file);
  writeFileSync(join(dirname(path), temp), edit(readFileSync(path, "utf8")));
  renameSync(join(dirname(path), temp), path);
}

/** generated/ holds what the copy's spec generates now (generated again beside it to compare). */
async function expectGeneratedUpToDate(): Promise<void> {
  const { spec, generated } = paths(scratch);
  const expected = join(scratch, "expected");
  await generate(expected, join(spec, "openapi.yaml"));
  for (const file of ["openapi.yaml", "types.ts"]) {
    expect(readFileSync(join(generated, file), "utf8"), file).toBe(readFileSync(join(expected, file), "utf8"));
  }
}

const createCustomer = (body: unknown) =>
  fetch(`${mockUrl}/customer`, {
    method: "POST",
    headers: { Authorization: "test-key", "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "dev-"));
  ({ dev, mockUrl } = await startDevOnCopy(scratch));
}, 90_000);

afterAll(async () => {
  await dev?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe("npm run dev", () => {
  it("starts with a full cycle: generated/, the docs and the mock", async () => {
    const start = dev
      .recentOutput()
      .split("\n")
      .find((line) => line.includes(" start · "));
    expect(start).toMatch(cycleLine);
    expect(start).toContain(" · lint ok · regenerated, docs rebuilt, mock restarted · ");
    const { generated, docs } = paths(scratch);
    for (const file of ["openapi.yaml", "types.ts", "client.ts"])
      expect(existsSync(join(generated, file)), file).toBe(true);
    expect(existsSync(docs)).toBe(true);
    expect((await createCustomer({ [searchableOne]: "@jane_doe" })).status).toBe(201);
  });

  it("answers a save with one line, and regenerates everything from it", async () => {
    const { spec, generated, docs } = paths(scratch);
    expect((await createCustomer({ loyaltyTier: "gold" })).status).toBe(422); // not a field yet
    const line = await lineAfter(schema, () =>
      appendFileSync(
        join(spec, schema),
        "  loyaltyTier:\n    type: string\n    description: The customer's loyalty tier.\n" +
          "    x-searchable: false\n    x-label: Loyalty tier\n    x-field-type: text\n    examples:\n      - gold\n",
      ),
    );
    expect(line).toMatch(cycleLine);
    expect(line).toContain(" · lint ok · regenerated, docs rebuilt, mock restarted · ");
    expect(readFileSync(join(generated, "types.ts"), "utf8")).toContain("loyaltyTier?: string;");
    expect(readFileSync(join(generated, "openapi.yaml"), "utf8")).toContain("loyaltyTier:");
    expect(readFileSync(docs, "utf8")).toContain("The customer's loyalty tier.");
    expect((await createCustomer({ loyaltyTier: "gold" })).status).toBe(201); // the restarted mock knows it
    expect(linesAbout(schema)).toHaveLength(1); // one save, one cycle
  });

  it("answers each of three atomic saves in a row with its own line and output", async () => {
    const edits = [
      (text: string) => text + field("preferredChannel", "Preferred channel"),
      (text: string) => text + field("accountManager", "Account manager"),
      (text: string) => text.replace("x-label: Preferred channel", "x-label: Preferred contact channel"),
    ];
    for (const edit of edits) {
      const line = await lineAfter(schema, () => renameSave(schema, `${basename(schema)}.tmp`, edit));
      expect(line.match(cycleLine)?.slice(1)).toEqual([
        `${schema} changed`,
        "lint ok",
        "regenerated, docs rebuilt, mock restarted",
      ]);
      await expectGeneratedUpToDate();
    }
    const types = readFileSync(join(paths(scratch).generated, "types.ts"), "utf8");
    expect(types).toContain("preferredChannel?: string;");
    expect(types).toContain("accountManager?: string;");
  }, 120_000);

  it("answers a sed -i save after them, and gives no save more than one line", async () => {
    const count = linesAbout(schema).length + 1;
    const line = await lineAfter(schema, () =>
      renameSave(schema, "sedX4kQ2a", (text) =>
        text.replace("description: Account manager.", "description: Who looks after the account."),
      ),
    );
    expect(line.match(cycleLine)?.slice(1)).toEqual([
      `${schema} changed`,
      "lint ok",
      "regenerated, docs rebuilt, mock restarted",
    ]);
    await expectGeneratedUpToDate();
    expect(readFileSync(join(paths(scratch).generated, "openapi.yaml"), "utf8")).toContain(
      "Who looks after the account.",
    );
    await sleep(3000); // room for a stray second cycle to show
    expect(linesAbout(schema)).toHaveLength(count);
  }, 120_000);

  it("follows a save made during a cycle with one more cycle", async () => {
    const count = linesAbout(schema).length;
    renameSave(schema, `.${basename(schema)}.swp`, (text) => text + field("firstContact", "First contact"));
    await sleep(800); // its cycle is running by now
    renameSave(schema, `${basename(schema)}~`, (text) =>
      text.replace("x-label: First contact", "x-label: First contact date"),
    );
    await lineNumber(count + 2, schema);
    await expectGeneratedUpToDate();
    expect(readFileSync(join(paths(scratch).generated, "openapi.yaml"), "utf8")).toContain("First contact date");
  }, 120_000);

  it("reports a broken save in one line and keeps the last good output", async () => {
    const { spec, generated } = paths(scratch);
    const before = readFileSync(join(generated, "openapi.yaml"), "utf8");
    const line = await lineAfter("components/schemas/ErrorMessage.yaml", () =>
      appendFileSync(join(spec, "components/schemas/ErrorMessage.yaml"), "broken: : :\n"),
    );
    expect(line).toMatch(cycleLine);
    expect(line).toMatch(
      / · lint: \d+ errors?, \d+ warnings? \(first: [a-z-]+\) · generate failed, last good output kept · /,
    );
    expect(readFileSync(join(generated, "openapi.yaml"), "utf8")).toBe(before);
    expect((await createCustomer({ loyaltyTier: "gold" })).status).toBe(201); // the mock still runs
  });

  it("says so in one line when its watcher fails", async () => {
    const loop = join(paths(scratch).spec, "loop");
    symlinkSync("loop", loop); // a link to itself: chokidar's stat of it fails (ELOOP)
    try {
      const failed = /^\d\d:\d\d:\d\d watching .+ failed \(ELOOP.*\) · .+ · fix the cause and restart npm run dev$/;
      await vi.waitFor(
        () =>
          expect(
            dev
              .recentOutput()
              .split("\n")
              .filter((line) => failed.test(line)),
          ).toHaveLength(1),
        {
          timeout: 20_000,
          interval: 100,
        },
      );
    } finally {
      rmSync(loop);
    }
  });

  it("never names an editor's temporary file", () => {
    const lines = dev
      .recentOutput()
      .split("\n")
      .filter((line) => cycleLine.test(line));
    expect(lines.filter((line) => /\.tmp|sedX4kQ2a|\.swp|~/.test(line))).toEqual([]);
  });

  it("stops its mock when it stops", async () => {
    await dev.stop();
    await expect(dev.exited).resolves.toBe(0);
    await expect(createCustomer({})).rejects.toThrow(); // nothing listens on the mock's port any more
  });
});
