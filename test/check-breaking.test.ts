// `npm run check:breaking -- <ref>`: the version rules on pairs of fixture specs, then the command itself
// on a scratch git repository (exit code and output).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { judge } from "../scripts/contract/check-breaking.js";
import { projectRoot } from "../scripts/shared/paths.js";
import { packageBin } from "../scripts/shared/package-bin.js";

type Doc = Record<string, any>;
const fixture = readFileSync(new URL("fixtures/spec-diff/base.yaml", import.meta.url), "utf8");
const base: Doc = parse(fixture);

function edited(version: string, edit: (spec: Doc) => void = () => {}): Doc {
  const copy = structuredClone(base);
  copy.info.version = version;
  edit(copy);
  return copy;
}
const removeStatus = (s: Doc) => delete s.paths["/widgets"].post.responses["422"];
const addProperty = (s: Doc) => (s.components.schemas.WidgetFields.properties.size = { type: "integer" });
const reword = (s: Doc) => (s.components.schemas.Widget.description = "A widget, as the CRM stored it.");
const lastLine = (report: string[]) => report.at(-1);

describe("the version rules", () => {
  it("pass a spec with no change", () => {
    const { exitCode, report } = judge(base, edited("1.0.0"), "HEAD~1");
    expect(exitCode).toBe(0);
    expect(lastLine(report)).toBe("check:breaking: no change of the contract");
  });

  it("fail a breaking change without a new major version, and say which version declares it", () => {
    const { exitCode, report } = judge(base, edited("1.1.0", removeStatus), "HEAD~1");
    expect(exitCode).toBe(1);
    expect(report).toContain("- **Breaking:** POST /widgets: removed response 422");
    expect(lastLine(report)).toMatch(
      /^check:breaking: FAILED: 1 breaking change\(s\)\. If they are meant, raise info.version to 2\.0\.0/,
    );
  });

  it("pass a breaking change declared by a new major version, with the changelog entry", () => {
    const { exitCode, report } = judge(base, edited("2.0.0", removeStatus), "HEAD~1");
    expect(exitCode).toBe(0);
    expect(report.slice(1)).toEqual([
      "",
      "## 2.0.0",
      "",
      "- **Breaking:** POST /widgets: removed response 422",
      "",
      "check:breaking: ok, 1 breaking change(s) declared by 2.0.0",
    ]);
  });

  it("fail a compatible change without a version bump, suggesting a minor one", () => {
    const { exitCode, report } = judge(base, edited("1.0.0", addProperty), "HEAD~1");
    expect(exitCode).toBe(1);
    expect(report).toContain("## 1.1.0");
    expect(lastLine(report)).toMatch(
      /^check:breaking: FAILED: the contract changed but info.version is still 1\.0\.0: raise it to 1\.1\.0/,
    );
  });

  it("pass a compatible change with a raised version, listing it for the changelog", () => {
    const { exitCode, report } = judge(base, edited("1.1.0", addProperty), "HEAD~1");
    expect(exitCode).toBe(0);
    expect(report).toContain("- POST /widgets, request body (application/json): added optional property `size`");
    expect(lastLine(report)).toBe("check:breaking: ok, no breaking change");
  });

  it("want at least a patch version for reworded docs", () => {
    const { exitCode, report } = judge(base, edited("1.0.0", reword), "HEAD~1");
    expect(exitCode).toBe(1);
    expect(report).toContain("- descriptions or examples reworded in `components/schemas/Widget`");
    expect(lastLine(report)).toMatch(/raise it to 1\.0\.1/);
  });

  it("want a version bump for edits it does not classify", () => {
    const { exitCode, report } = judge(
      base,
      edited("1.0.0", (s) => (s.servers = [{ url: "https://crm.test" }])),
      "HEAD~1",
    );
    expect(exitCode).toBe(1);
    expect(report).toContain("- other edits (servers, tags, …): see `git diff HEAD~1 -- spec/`");
  });

  it("fail a version that went down", () => {
    const { exitCode, report } = judge(edited("1.2.0"), edited("1.1.0"), "HEAD~1");
    expect(exitCode).toBe(1);
    expect(lastLine(report)).toBe("check:breaking: FAILED: info.version went down");
  });
});

describe("npm run check:breaking -- <ref>", () => {
  let repo: string;
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.test", ...args], {
      cwd: repo,
      stdio: "pipe",
    });
  const run = (...args: string[]) =>
    spawnSync(
      process.execPath,
      [packageBin("tsx", "tsx"), join(projectRoot, "scripts/contract/check-breaking.ts"), ...args],
      {
        cwd: repo,
        encoding: "utf8",
        env: { ...process.env, REDOCLY_TELEMETRY: "off" },
      },
    );

  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), "check-breaking-repo-"));
    mkdirSync(join(repo, "spec"));
    writeFileSync(join(repo, "spec/openapi.yaml"), fixture);
    git("init", "-q");
    git("add", "spec");
    git("commit", "-q", "-m", "contract 1.0.0");
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it("exits 1 on an undeclared breaking change in spec/ against the commit", () => {
    writeFileSync(join(repo, "spec/openapi.yaml"), stringify(edited("1.0.1", removeStatus)));
    const { status, stdout } = run("HEAD");
    expect(status).toBe(1);
    expect(stdout).toContain("check:breaking: spec/ against HEAD, info.version 1.0.0 -> 1.0.1");
    expect(stdout).toContain("- **Breaking:** POST /widgets: removed response 422");
    expect(stdout.trimEnd().split("\n").at(-1)).toMatch(/^check:breaking: FAILED: 1 breaking change/);
  });

  it("exits 2 when the ref is not a commit", () => {
    const { status, stdout } = run("no-such-ref");
    expect(status).toBe(2);
    expect(stdout.trim()).toBe(`check:breaking: no-such-ref is not a commit of ${repo}`);
  });

  it("exits 2 with its usage when no ref is given", () => {
    const { status, stderr } = run();
    expect(status).toBe(2);
    expect(stderr).toMatch(/^usage: npm run check:breaking -- <git-ref>/);
  });
});
