#!/usr/bin/env node
// `npm run verify -- --url <instanceUrl> --key <authHeaderValue>` (or `npx khoros-crm-verify`): plays
// Khoros against any CRM server and reports per check. Exit 0 when nothing failed, 1 when something did,
// 2 when the server cannot be reached (or the command is wrong). See `--help`.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { readKeptKey } from "../../reference-crm/api-key.js";
import type { Family } from "./check.js";
import { progressReporter } from "./progress.js";
import { htmlReport } from "./report-html.js";
import { jsonReport, junitReport } from "./reports.js";
import { textReport } from "./report-text.js";
import { families, newPrefix, Unreachable, verify, type VerifyRun } from "./runner.js";

const usage = `Usage: verify --url <instanceUrl> --key <authHeaderValue> [options]

Plays Khoros Marketing against a CRM server and holds it to the custom-CRM contract.
  --url URL        the CRM's instanceUrl (default: $CRM_URL, else http://127.0.0.1:3000)
  --key VALUE      the authHeaderValue it accepts (default: $API_KEY, else the reference CRM's data/api-key)
  --prefix TEXT    starts the name of every customer and case it creates (default: verify-<random>)
  --read-only      no writes: reads and refusals only
  --stateless      skip the checks that need a server keeping state (chosen by itself against a mock)
  --only LIST      some of: ${families.join(",")} (default: all)
  --mock           play against a Prism mock of the spec started for the run (needs @stoplight/prism-cli)
  --junit FILE     also write a JUnit XML report (one test case per check)
  --json FILE      also write a JSON report
  --html FILE      also write a self-contained HTML report
  --timeout MS     how long to wait for each answer (default 10000)
Exit code: 0 nothing failed (warnings allowed), 1 a check failed, 2 the server cannot be reached.`;

const options = {
  url: { type: "string" },
  key: { type: "string" },
  prefix: { type: "string" },
  "read-only": { type: "boolean" },
  stateless: { type: "boolean" },
  only: { type: "string" },
  mock: { type: "boolean" },
  junit: { type: "string" },
  json: { type: "string" },
  html: { type: "string" },
  timeout: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function stop(message: string): never {
  console.error(message);
  process.exit(2);
}

function chosenFamilies(only: string | undefined): Family[] {
  const chosen = (only ?? families.join(",")).split(",").map((f) => f.trim()) as Family[];
  const unknown = chosen.filter((f) => !families.includes(f));
  if (unknown.length > 0) stop(`--only takes ${families.join(", ")}; not ${unknown.join(", ")}.`);
  return chosen;
}

function writeReports(run: VerifyRun, key: string, files: { junit?: string; json?: string; html?: string }) {
  if (files.junit) writeFileSync(files.junit, junitReport(run, key));
  if (files.json) writeFileSync(files.json, `${JSON.stringify(jsonReport(run, key), null, 2)}\n`);
  if (files.html) writeFileSync(files.html, htmlReport(run, key));
  for (const [kind, file] of Object.entries(files)) if (file) console.log(`${kind} report: ${file}`);
}

/**
 * The arguments with each option that takes a value joined to it (`--key -x1` as `--key=-x1`): a key may
 * start with a dash, which parseArgs would take for an option.
 */
function joinedValues(argv: string[]): string[] {
  const takesValue = new Set(
    Object.entries(options)
      .filter(([, o]) => o.type === "string")
      .map(([name]) => `--${name}`),
  );
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (takesValue.has(argv[i]!) && i + 1 < argv.length) joined.push(`${argv[i]}=${argv[++i]}`);
    else joined.push(argv[i]!);
  }
  return joined;
}

async function main() {
  const { values: args } = (() => {
    try {
      return parseArgs({ args: joinedValues(process.argv.slice(2)), options, strict: true, allowPositionals: false });
    } catch (error) {
      return stop(`${(error as Error).message}\n\n${usage}`);
    }
  })();
  if (args.help) return console.log(usage);
  const mock = args.mock ? await (await import("../contract/mock.js")).startMock() : undefined;
  const url = mock?.url ?? args.url ?? process.env.CRM_URL ?? "http://127.0.0.1:3000";
  const key = mock ? "any-key" : (args.key ?? process.env.API_KEY ?? readKeptKey(process.env.DATA_DIR ?? "data"));
  if (!key) stop("Give the key the CRM accepts: --key <authHeaderValue> (or set API_KEY).");
  const timeoutMs = Number(args.timeout ?? 10_000);
  if (!(timeoutMs > 0)) stop("--timeout takes a number of milliseconds.");
  const progress = progressReporter(process.stderr);
  try {
    const run = await verify({
      url,
      key,
      prefix: args.prefix ?? newPrefix(),
      readOnly: args["read-only"] ?? false,
      stateless: args.stateless ? true : undefined,
      families: chosenFamilies(args.only),
      timeoutMs,
      onProgress: progress.update,
    });
    progress.done();
    console.log(textReport(run, key).join("\n"));
    writeReports(run, key, { junit: args.junit, json: args.json, html: args.html });
    process.exitCode = run.outcomes.some((o) => o.verdict === "fail") ? 1 : 0;
  } catch (error) {
    progress.done();
    if (error instanceof Unreachable)
      stop(`Cannot reach the CRM at ${url} (${error.message}): is it running, and is the URL its instanceUrl?`);
    throw error;
  } finally {
    await mock?.stop();
  }
}

await main();
