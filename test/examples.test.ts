// The docs' TypeScript examples (README.md and guide/*.md) are files of examples/, shown whole (a block whose
// first line names its file): each block is the file as it is, and each example runs. (examples/*.test.ts run
// as tests of their own; `npm run lint` type-checks them all.)
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../scripts/shared/paths.js";
import { searchableOne } from "./support/fields.js";

const docs = [
  "README.md",
  ...readdirSync(join(projectRoot, "guide"))
    .filter((file) => file.endsWith(".md"))
    .map((file) => `guide/${file}`),
];
const shown = docs.flatMap((doc) =>
  [...readFileSync(join(projectRoot, doc), "utf8").matchAll(/^```ts\n(\/\/ (examples\/[\w.-]+):[\s\S]*?)^```$/gm)].map(
    ([, code, file]) => ({ doc, file: file!, code: code! }),
  ),
);

describe("the docs' examples", () => {
  it("show every example whose first line names it", () => {
    const named = readdirSync(join(projectRoot, "examples")).filter((file) =>
      readFileSync(join(projectRoot, "examples", file), "utf8").startsWith(`// examples/${file}:`),
    );
    expect(shown.map((example) => example.file).sort()).toEqual(named.map((file) => `examples/${file}`).sort());
  });

  it.each(shown)("$file is shown as it is, in $doc", ({ file, code }) => {
    expect(code).toBe(readFileSync(join(projectRoot, file), "utf8"));
  });

  it("examples/fetch-handler.ts runs: the create answered 201 in-process", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "examples/fetch-handler.ts"], {
      cwd: projectRoot,
    });
    const created = String.raw`^201 \{\n {2}id: 'cus_[0-9a-f]{32}',\n {2}${searchableOne}: '@jane_doe',`;
    expect(stdout).toMatch(new RegExp(created));
  });
});
