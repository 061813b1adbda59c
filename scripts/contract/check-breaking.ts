// `npm run check:breaking -- <git-ref>`: compares the contract in spec/ with the contract at <git-ref>,
// prints what changed as an entry for spec/CHANGELOG.md, and fails (exit 1)
//   - on a breaking change, unless info.version raises its major part (an intended break is declared);
//   - on any other change of the spec, unless info.version is raised at all.
// Exit 2: the ref is no commit, or a spec cannot be bundled. Both specs are bundled by the generator.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "yaml";
import { bundle } from "../generate/generate.js";
import { type Change, compareSpecs, wordingChanges } from "./spec-diff.js";

type Doc = Record<string, any>;
const specFile = "spec/openapi.yaml";

export interface Verdict {
  /** 0 passed, 1 an undeclared break or a change without a version bump, 2 could not compare. */
  exitCode: 0 | 1 | 2;
  report: string[];
}

type Version = [number, number, number];

function version(doc: Doc): Version | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(String(doc.info?.version));
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** The smallest version after `v` for a change of this weight. */
function next(v: Version, weight: "major" | "minor" | "patch"): string {
  if (weight === "major") return `${v[0] + 1}.0.0`;
  if (weight === "minor") return `${v[0]}.${v[1] + 1}.0`;
  return `${v[0]}.${v[1]}.${v[2] + 1}`;
}

const withoutVersion = (doc: Doc) => JSON.stringify({ ...doc, info: { ...doc.info, version: undefined } });

/** The changelog entry and the verdict, for two bundled specs. */
export function judge(before: Doc, after: Doc, ref: string): Verdict {
  const [was, now] = [version(before), version(after)];
  if (!was || !now)
    return {
      exitCode: 2,
      report: [
        `check:breaking: info.version must be MAJOR.MINOR.PATCH (at ${ref}: ${before.info?.version}, now: ${after.info?.version})`,
      ],
    };
  const changes = compareSpecs(before, after);
  const breaking = changes.filter((c) => c.breaking);
  const reworded = wordingChanges(before, after);
  const changed = withoutVersion(before) !== withoutVersion(after);
  const unclassified = changed && changes.length === 0 && reworded.length === 0;

  const report = [`check:breaking: spec/ against ${ref}, info.version ${before.info.version} -> ${after.info.version}`];
  if (compare(now, was) < 0)
    return { exitCode: 1, report: [...report, "check:breaking: FAILED: info.version went down"] };
  if (!changed) return { exitCode: 0, report: [...report, "check:breaking: no change of the contract"] };

  const weight = breaking.length > 0 ? "major" : changes.length > 0 ? "minor" : "patch";
  const wanted = next(was, weight);
  const line = (c: Change) => `- ${c.breaking ? "**Breaking:** " : ""}${c.message}`;
  report.push(
    "",
    `## ${compare(now, was) > 0 ? after.info.version : wanted}`,
    "",
    ...breaking.map(line),
    ...changes.filter((c) => !c.breaking).map(line),
    ...(reworded.length > 0
      ? [`- descriptions or examples reworded in ${reworded.map((r) => `\`${r}\``).join(", ")}`]
      : []),
    ...(unclassified ? [`- other edits (servers, tags, …): see \`git diff ${ref} -- spec/\``] : []),
    "",
  );
  if (compare(now, was) === 0) {
    report.push(
      `check:breaking: FAILED: the contract changed but info.version is still ${before.info.version}: raise it to ${wanted} and add the entry above to spec/CHANGELOG.md`,
    );
    return { exitCode: 1, report };
  }
  if (breaking.length > 0 && now[0] <= was[0]) {
    report.push(
      `check:breaking: FAILED: ${breaking.length} breaking change(s). If they are meant, raise info.version to ${wanted} and add the entry above to spec/CHANGELOG.md`,
    );
    return { exitCode: 1, report };
  }
  report.push(
    `check:breaking: ok, ${breaking.length > 0 ? `${breaking.length} breaking change(s) declared by ${after.info.version}` : "no breaking change"}`,
  );
  return { exitCode: 0, report };
}

/** The spec file bundled into one document, as `npm run generate` bundles it. */
async function bundled(spec: string): Promise<Doc> {
  return parse(bundle(spec)) as Doc;
}

const git = (repo: string, args: string[]) =>
  execFileSync("git", args, { cwd: repo, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });

/** The spec as it is at `ref` (spec/ extracted with git archive), bundled; undefined if it had none. */
async function bundledAt(repo: string, ref: string): Promise<Doc | undefined> {
  try {
    git(repo, ["cat-file", "-e", `${ref}:${specFile}`]);
  } catch {
    return undefined;
  }
  const checkout = mkdtempSync(join(tmpdir(), "check-breaking-ref-"));
  try {
    execFileSync("tar", ["-x", "-C", checkout], { input: git(repo, ["archive", "--format=tar", ref, "spec"]) });
    return await bundled(join(checkout, specFile));
  } finally {
    rmSync(checkout, { recursive: true, force: true });
  }
}

/** Compares `repo`'s spec/ (as it is on disk) with the one at `ref`. */
export async function checkBreaking(ref: string, repo: string): Promise<Verdict> {
  try {
    git(repo, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]);
  } catch {
    return { exitCode: 2, report: [`check:breaking: ${ref} is not a commit of ${repo}`] };
  }
  try {
    const before = await bundledAt(repo, ref);
    if (!before) return { exitCode: 0, report: [`check:breaking: no ${specFile} at ${ref}, nothing to compare`] };
    if (!existsSync(join(repo, specFile)))
      return { exitCode: 2, report: [`check:breaking: no ${specFile} in ${repo}`] };
    return judge(before, await bundled(join(repo, specFile)), ref);
  } catch (error) {
    return { exitCode: 2, report: [`check:breaking: could not bundle a spec: ${(error as Error).message.trim()}`] };
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const ref = process.argv[2];
  if (!ref) {
    console.error("usage: npm run check:breaking -- <git-ref>   (e.g. HEAD~1, main, a tag)");
    process.exit(2);
  }
  const { exitCode, report } = await checkBreaking(ref, process.cwd());
  console.log(report.join("\n"));
  process.exit(exitCode);
}
