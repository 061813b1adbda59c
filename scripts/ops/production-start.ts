// `npm run check:production` (CI runs it): the production start of guide/run-in-production.md, as pasted, in
// a scratch copy of the project (its files as git sees them: no node_modules, dist/, docs/ or data/). Its
// first bash block installs, builds, installs again without the development dependencies, then
// starts the server; this checks that none of them is left, that the server answers createCustomer with the key it
// made, /readyz, /healthz, /docs and a scrape of its metrics, runs the guide's other bash blocks against
// it (its URLs in place of the guide's, as test/readme.test.ts does), and that SIGTERM stops it with exit 0.
// Prints one line per check and a closing count; exits 1 when a check failed.
import { execFile, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { type ManagedProcess, portInUse, startProcess } from "../shared/managed-process.js";
import { projectRoot } from "../shared/paths.js";

const guideUrl = "http://127.0.0.1:3000";
const guideMetrics = "http://127.0.0.1:9464";
/** What a fresh shell has: no npm_* variables of an npm that runs this script. */
const shellEnv = { PATH: process.env.PATH!, HOME: process.env.HOME ?? "/root" };

const guide = "guide/run-in-production.md";

/** The guide's bash blocks, in order (its other blocks are ```sh, which test/readme.test.ts runs). */
function productionBlocks(): string[] {
  const text = readFileSync(join(projectRoot, guide), "utf8");
  return [...text.matchAll(/^```bash\n([\s\S]*?)^```$/gm)].map(([, code]) => code!.trim());
}

/** A copy of the project's files as git sees them (tracked, and new ones not ignored). */
function scratchCopy(): string {
  const root = mkdtempSync(join(tmpdir(), "kit-production-"));
  const gitArgs = ["ls-files", "-z", "--cached", "--others", "--exclude-standard"];
  const listed = execFileSync("git", gitArgs, { cwd: projectRoot, encoding: "utf8" });
  for (const file of listed.split("\0").filter((file) => file && existsSync(join(projectRoot, file)))) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    cpSync(join(projectRoot, file), join(root, file));
  }
  return root;
}

const results: [boolean, string][] = [];
function check(ok: boolean, what: string, detail = ""): void {
  results.push([ok, what]);
  console.log(`${ok ? "✓" : "✗"} ${what}${ok || !detail ? "" : `\n    ${detail.replaceAll("\n", "\n    ")}`}`);
}

/** Runs a command as pasted into bash in `cwd`; what it said when it failed, "" when it did not. */
const bash = (command: string, cwd: string) =>
  promisify(execFile)("bash", ["-c", command], { cwd, env: shellEnv, maxBuffer: 64 * 1024 * 1024 }).then(
    () => "",
    (error: { stderr: string; message: string }) => `${error.message}\n${error.stderr}`.slice(-4000),
  );

/** The development dependencies still installed in `root` (none, once pruned). */
function devDependenciesLeft(root: string): string[] {
  const manifest = readFileSync(join(root, "package.json"), "utf8");
  const { devDependencies } = JSON.parse(manifest) as { devDependencies: object };
  return Object.keys(devDependencies).filter((name) => existsSync(join(root, "node_modules", name, "package.json")));
}

/** Starts the block's last line, ports as pasted when they are free; the API's and the metrics' URLs. */
async function start(line: string, root: string) {
  const free = !(await portInUse(3000)) && !(await portInUse(9464));
  const command = free ? line : line.replaceAll("METRICS_PORT=9464", "METRICS_PORT=0");
  const server = await startProcess({
    command: "bash",
    args: ["-c", command],
    cwd: root,
    env: { ...shellEnv, ...(free ? {} : { PORT: "0" }) },
    ready: /^metrics at http/,
  });
  const said = (pattern: RegExp) => pattern.exec(server.recentOutput())?.[1] ?? "";
  return { server, url: said(/listening on (http:\S+)/), metricsUrl: said(/metrics at (http:\S+)/) };
}

/** SIGKILL to whatever is left of the group `pid` leads. */
function signalGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // none left
  }
}

/** SIGTERM to the server, npm start's child in the started group, as an orchestrator's reaches it: exit 0. */
async function stopWithSigterm(server: ManagedProcess): Promise<void> {
  const pgrep = ["-g", String(server.pid), "-f", "^node dist/reference-crm/main.js"];
  const found = execFileSync("pgrep", pgrep, { encoding: "utf8" });
  process.kill(Number(found.trim()), "SIGTERM");
  const late = new Promise((resolve) => setTimeout(resolve, 15_000, "still running after 15 s"));
  const code = await Promise.race([server.exited, late]);
  check(code === 0, "SIGTERM stops it, and npm start exits 0", String(code));
}

/** What a load balancer, Khoros and Prometheus ask of the started server. */
async function askServer(root: string, url: string, metricsUrl: string): Promise<void> {
  const key = readFileSync(join(root, "data/api-key"), "utf8").trim();
  const headers = { Authorization: key, "Content-Type": "application/json" };
  const body = '{"customSearchableCustomerFieldOne":"@prod"}';
  const created = await fetch(`${url}/customer`, { method: "POST", headers, body });
  const customer = (await created.json()) as { id?: string };
  const ok = created.status === 201 && /^cus_/.test(customer.id ?? "");
  check(ok, "createCustomer answers 201 with the key it made", `${created.status} ${JSON.stringify(customer)}`);
  for (const [path, word] of [
    ["/readyz", "ready"],
    ["/healthz", "ok"],
  ]) {
    const answer = await fetch(`${url}${path}`);
    const body = await answer.text();
    check(answer.status === 200 && body === word, `GET ${path} answers 200 ${word}`, `${answer.status} ${body}`);
  }
  const docs = await fetch(`${url}/docs`);
  const page = docs.status === 200 && (await docs.text()).includes("<title>");
  check(page, "GET /docs serves the page the build made", String(docs.status));
  const scrape = await (await fetch(metricsUrl)).text();
  const counted = /^khoros_crm_requests_total\{operation="createCustomer",[^}]*status="201"\} 1$/m.test(scrape);
  check(counted, "GET /metrics on METRICS_PORT counts the createCustomer", scrape.slice(0, 2000));
}

async function main(): Promise<void> {
  const [commands, ...others] = productionBlocks();
  if (!commands) throw new Error(`${guide} has no bash block.`);
  const lines = commands.split("\n").filter((line) => line.trim() && !line.startsWith("#"));
  const root = scratchCopy();
  try {
    for (const line of lines.slice(0, -1)) {
      const failed = await bash(line, root);
      check(failed === "", `$ ${line}`, failed);
      if (failed) return; // the next steps need this one
    }
    const left = devDependenciesLeft(root);
    check(left.length === 0, "no development dependency is left installed", left.join(", "));
    const { server, url, metricsUrl } = await start(lines.at(-1)!, root);
    check(Boolean(url && metricsUrl), `$ ${lines.at(-1)}`, server.recentOutput());
    try {
      await askServer(root, url, metricsUrl);
      for (const block of others) {
        const pasted = block.replaceAll(guideUrl, url).replaceAll(guideMetrics, new URL(metricsUrl).origin);
        const failed = await bash(pasted, root);
        check(failed === "", `$ ${block.split("\n")[0]}`, failed);
      }
      await stopWithSigterm(server);
    } finally {
      await server.stop();
      signalGroup(server.pid); // npm start may be gone, and its server left: the group's every process
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main().catch((error: Error) => check(false, "the production start ran", error.stack ?? error.message));
const failed = results.filter(([ok]) => !ok).length;
console.log(`production start: ${results.length - failed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
