// `npm run dev`: the edit loop. Watches spec/ and on every save regenerates generated/, lints the spec,
// rebuilds the docs and restarts the mock, then prints one line for the cycle, e.g.
//   10:42:07 components/schemas/CustomerFields.yaml changed · lint ok · regenerated, docs rebuilt, mock restarted · 3.1 s
// Options, to work on a copy (the test does): --spec <dir> --generated <dir> --docs <file> --port <n>
// (defaults: spec/, generated/, docs/index.html, PORT or 4010). Ctrl-C stops it and the mock.
import { execFile } from "node:child_process";
import { basename, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs, promisify } from "node:util";
import { watch } from "chokidar";
import { buildDocs, defaultDocsPath } from "./docs.js";
import { generate } from "../generate/generate.js";
import { projectRoot } from "../shared/paths.js";
import { type RunningPrism, startMock } from "./mock.js";
import { packageBin } from "../shared/package-bin.js";

export interface DevOptions {
  specDir: string;
  generatedDir: string;
  docsFile: string;
  port: number;
  log: (line: string) => void;
}

interface LintReport {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string }[];
}

/** Redocly's lint of the spec with the project's rules, summed up in a few words. */
async function lint(spec: string): Promise<string> {
  const args = [
    packageBin("@redocly/cli", "redocly"),
    "lint",
    spec,
    "--format=json",
    "--config",
    join(projectRoot, "redocly.yaml"),
  ];
  // Lint exits non-zero when it finds errors; its report is on stdout either way.
  const stdout = await promisify(execFile)(process.execPath, args, {
    env: { ...process.env, REDOCLY_TELEMETRY: "off" },
  }).then(
    (result) => result.stdout,
    (error: { stdout?: string }) => error.stdout ?? "",
  );
  let report: LintReport;
  try {
    report = JSON.parse(stdout) as LintReport;
  } catch {
    return "lint could not run";
  }
  const { errors, warnings } = report.totals;
  if (errors + warnings === 0) return "lint ok";
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  return `lint: ${count(errors, "error")}, ${count(warnings, "warning")} (first: ${report.problems[0]?.ruleId})`;
}

const clock = () => new Date().toTimeString().slice(0, 8);

function describeChanges(files: string[]): string {
  if (files.length === 0) return "start";
  const shown = files.slice(0, 2).join(", ");
  return `${shown}${files.length > 2 ? ` and ${files.length - 2} more` : ""} changed`;
}

/**
 * Editors' and tools' scratch files, never part of the spec: hidden files (emacs `.#x` locks, vim and kate
 * swap files, gedit's `.goutputstream-*`), `x.tmp`, `x~`, `x.bak`, vim's `4913` probe, emacs `#x#`,
 * `sed -i`'s `sedXXXXXX` and JetBrains' `x___jb_tmp___`.
 */
const scratchFile = /^\.|~$|\.(tmp|bak|sw[a-px])$|^4913$|^#.*#$|^sed[A-Za-z0-9]{6}$|___jb_(tmp|old)___$/;

export interface Dev {
  mockUrl(): string | undefined;
  stop(): Promise<void>;
}

/** One cycle per call: lint and generate, then (if generated) rebuild the docs and restart the mock. */
function cycles(options: DevOptions) {
  const rootSpec = join(options.specDir, "openapi.yaml");
  const bundled = join(options.generatedDir, "openapi.yaml");
  let mock: RunningPrism | undefined;
  async function run(files: string[]): Promise<void> {
    const started = performance.now();
    const [lintResult, generated] = await Promise.all([
      lint(rootSpec),
      generate(options.generatedDir, rootSpec).then(
        () => true,
        () => false,
      ),
    ]);
    let outcome = "generate failed, last good output kept";
    if (generated) {
      try {
        await mock?.stop();
        mock = undefined;
        [, mock] = await Promise.all([
          buildDocs(options.docsFile, bundled),
          startMock({ port: options.port, spec: bundled }),
        ]);
        outcome = "regenerated, docs rebuilt, mock restarted";
      } catch (error) {
        outcome = `regenerated, then failed: ${(error as Error).message.split("\n")[0]}`;
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    options.log(`${clock()} ${describeChanges(files)} · ${lintResult} · ${outcome} · ${seconds} s`);
  }
  return { run, mockUrl: () => mock?.url, stopMock: () => mock?.stop() };
}

/**
 * Watches specDir and calls `onBurst` once per burst of events (a save is several: write a temp file,
 * rename it over the original, chmod); `takeFiles` then gives the files changed since it was last called.
 */
function watchSaves(specDir: string, log: (line: string) => void, onBurst: (takeFiles: () => string[]) => void) {
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const burstMs = 200;
  const takeFiles = () => {
    const files = [...pending].sort();
    pending.clear();
    return files;
  };
  // chokidar watches the folders, so a file replaced by a rename (a new inode) stays watched.
  const watcher = watch(specDir, {
    ignoreInitial: true,
    ignored: (path) => scratchFile.test(basename(relative(specDir, path))),
  });
  watcher.on("all", (event, path) => {
    if (event === "addDir" || event === "unlinkDir") return; // what counts is the files
    pending.add(relative(specDir, path));
    clearTimeout(timer);
    timer = setTimeout(() => onBurst(takeFiles), burstMs);
  });
  // A failing watcher would leave generated/ behind spec/ without a word: say so (once, errors may repeat).
  let watchFailed = false;
  watcher.on("error", (error) => {
    if (watchFailed) return;
    watchFailed = true;
    log(
      `${clock()} watching ${specDir} failed (${(error as Error).message}) · saves may go unnoticed ` +
        "and generated/ lag spec/ · fix the cause and restart npm run dev",
    );
  });
  return {
    // chokidar's first scan ends in ready even after errors: a save before it could be missed.
    ready: new Promise<void>((ready) => watcher.once("ready", ready)),
    async close() {
      await watcher.close();
      clearTimeout(timer);
    },
  };
}

/** Runs a first cycle, then one per burst of saves under specDir (saves during a cycle wait for it). */
export async function startDev(options: DevOptions): Promise<Dev> {
  const cycle = cycles(options);
  let running: Promise<void> = cycle.run([]);
  const saves = watchSaves(options.specDir, options.log, (takeFiles) => {
    // Saves made during a cycle wait for it, then make one more cycle (none if an earlier one took them).
    running = running.then(() => {
      const files = takeFiles();
      return files.length > 0 ? cycle.run(files) : undefined;
    });
  });
  await Promise.all([running, saves.ready]);
  return {
    mockUrl: cycle.mockUrl,
    async stop() {
      await saves.close();
      await running;
      await cycle.stopMock();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      spec: { type: "string", default: join(projectRoot, "spec") },
      generated: { type: "string", default: join(projectRoot, "generated") },
      docs: { type: "string", default: defaultDocsPath },
      port: { type: "string", default: process.env.PORT ?? "4010" },
    },
  });
  const dev = await startDev({
    specDir: resolve(values.spec),
    generatedDir: resolve(values.generated),
    docsFile: resolve(values.docs),
    port: Number(values.port),
    log: (line) => console.log(line),
  });
  console.log(
    `dev: watching ${values.spec} · mock on ${dev.mockUrl() ?? "(not running)"} · docs in ${values.docs} · Ctrl-C stops`,
  );
  // The signal may come twice (to the whole group, then relayed by tsx): stop once, and ignore the second.
  let stopping: Promise<void> | undefined;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      stopping ??= dev.stop().then(() => process.exit(0));
    });
  }
}
