// spec/CHANGELOG.md and info.version move together: the top entry is the version the spec declares.
// (`npm run check:breaking` makes sure the version moves when the contract does.)
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { projectRoot, specPath } from "../scripts/shared/paths.js";

const changelog = readFileSync(join(projectRoot, "spec/CHANGELOG.md"), "utf8");
const versions = [...changelog.matchAll(/^## (.+)$/gm)].map((match) => match[1]!.trim());
const declared = (parse(readFileSync(specPath, "utf8")) as { info: { version: string } }).info.version;
const semver = (v: string) => v.split(".").map(Number);

describe("spec/CHANGELOG.md", () => {
  it(`has an entry for info.version (${declared}) on top`, () => {
    expect(versions[0]).toBe(declared);
  });

  it("names each entry by a MAJOR.MINOR.PATCH version, newest first, each once", () => {
    for (const version of versions) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    const sorted = [...versions].sort((a, b) => {
      const [x, y] = [semver(a), semver(b)];
      return y[0]! - x[0]! || y[1]! - x[1]! || y[2]! - x[2]!;
    });
    expect(versions).toEqual([...new Set(sorted)]);
  });
});
