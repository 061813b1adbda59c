// `npm run verify` as an integrator runs it: exit 0 against the reference CRM, 1 against a CRM with a
// seeded mistake (the rule named, a curl that replays it with the key masked, what came back), 2 when the
// server cannot be reached; and its reports read back by their consumers: JUnit XML by an XML parser, JSON,
// and the HTML page offline in Chromium (everything escaped, no request to anywhere).
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryCrmStore } from "../reference-crm/stores/memory.js";
import { freePort } from "../scripts/shared/managed-process.js";
import { projectRoot } from "../scripts/shared/paths.js";
import { openOfflineBrowser } from "./support/browser.js";
import { type FaultyCrm, startFaultyCrm } from "./support/faulty-crm.js";
import { apiKeys, type CrmTestServer, startCrmServer } from "./support/server.js";

const hostilePage = '<html><body><script>document.title = "pwned"</script><h1>Unauthorized</h1></body></html>';
let crm: CrmTestServer;
let faulty: FaultyCrm;
let reports: string;

beforeAll(async () => {
  crm = await startCrmServer(new MemoryCrmStore());
  // The key is not checked, and its error pages are HTML with a script in them.
  faulty = await startFaultyCrm({
    request: (q) => ({ ...q, headers: { ...q.headers, authorization: apiKeys.primary } }),
    response: (r) => (r.status >= 400 ? { ...r, headers: { "content-type": "text/html" }, body: hostilePage } : r),
  });
  reports = mkdtempSync(join(tmpdir(), "verify-reports-"));
});
afterAll(async () => {
  await crm?.close();
  await faulty?.close();
  rmSync(reports, { recursive: true, force: true });
});

/** Runs `npm run verify -- …` as npm runs it (tsx), with nothing of ours in its environment. */
async function runVerify(...args: string[]) {
  const env = { PATH: process.env.PATH!, HOME: process.env.HOME ?? "/root" };
  const command = [process.execPath, ["--import", "tsx", "scripts/verify/cli.ts", ...args]] as const;
  return promisify(execFile)(...command, { cwd: projectRoot, env, timeout: 60_000 }).then(
    (done) => ({ ...done, code: 0 }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

const reportArgs = (name: string) => [
  "--junit",
  join(reports, `${name}.xml`),
  "--json",
  join(reports, `${name}.json`),
  "--html",
  join(reports, `${name}.html`),
];
const parseJunit = (file: string) =>
  new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    isArray: (name) => ["testsuite", "testcase"].includes(name),
  }).parse(readFileSync(file, "utf8"));
type JunitCase = { name: string; classname: string; failure?: { message: string } };
const casesOf = (junit: any): JunitCase[] =>
  junit.testsuites.testsuite.flatMap((suite: { testcase?: JunitCase[] }) => suite.testcase ?? []);

describe("npm run verify", () => {
  it("against the reference CRM: every check passes, a line each, by operation, exit 0; reports agree", async () => {
    const run = await runVerify("--url", crm.url, "--key", apiKeys.primary, ...reportArgs("pass"));
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines).toContain("createCustomer");
    expect(lines).toContain("  ✓ 401 without a key");
    expect(run.stdout).toMatch(/^every check passed: (\d+) of \1, in [\d.]+ s$/m);
    expect(run.stdout).not.toMatch(/✗|failed/);
    expect(run.stderr).toMatch(/^verify: journey checks from 1 of \d+…$/m);
    const json = JSON.parse(readFileSync(join(reports, "pass.json"), "utf8"));
    expect(json.counts).toMatchObject({ fail: 0, warn: 0, skip: 0 });
    const testCases = casesOf(parseJunit(join(reports, "pass.xml")));
    expect(testCases).toHaveLength(json.checks.length);
    expect(testCases.filter((c) => c.failure)).toEqual([]);
    expect(testCases.map((c) => c.name)).toContain("401 with a wrong key");
  });

  it("against a CRM not checking its key: exit 1, the rule named, a curl with the key masked, the answer", async () => {
    const run = await runVerify("--url", faulty.url, "--key", apiKeys.primary, ...reportArgs("fail"));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ {2}✗ 401 without a key \(fails\)$/m);
    expect(run.stdout).toMatch(/^ {6}rule: createCustomer answered 201, not 401$/m);
    expect(run.stdout).toMatch(
      /^ {6}sent: .*curl -sS -i -X POST "\$CRM_URL"'\/customer' .*-H 'Accept: application\/json' --data-binary @-$/m,
    );
    expect(run.stdout).toMatch(/^ {6}got: {2}201 application\/json "\{\\"id\\":/m);
    expect(run.stdout).toMatch(/checks FAILED/);
    expect(run.stdout).not.toContain(apiKeys.primary);
    const testCases = casesOf(parseJunit(join(reports, "fail.xml")));
    const failure = testCases.find(
      (c) => c.classname === "verify.spec.createCustomer" && c.name === "401 without a key",
    )?.failure;
    expect(failure?.message).toBe("createCustomer answered 201, not 401");
    const json = JSON.parse(readFileSync(join(reports, "fail.json"), "utf8"));
    expect(json.counts.fail).toBe(testCases.filter((c) => c.failure).length);
    expect(JSON.stringify(json)).not.toContain(apiKeys.primary);
  });

  it("writes an HTML report that opens offline, shows each failure, and runs nothing it reports", async () => {
    const browser = await openOfflineBrowser();
    try {
      await browser.page.goto(`file://${join(reports, "fail.html")}`);
      expect(await browser.page.locator("#verdict").textContent()).toMatch(/checks FAILED/);
      expect(await browser.page.title()).toMatch(/^verify http:\/\/127\.0\.0\.1:\d+$/);
      const failure = browser.page.locator("details[open]", { hasText: "401 without a key" }).first();
      expect(await failure.textContent()).toContain("createCustomer answered 201, not 401");
      expect(await browser.page.locator("body").textContent()).toContain("<script>document.title");
      expect(browser.offLocalhost).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it("exits 2, in one line, when nothing answers at the URL", async () => {
    const run = await runVerify("--url", `http://127.0.0.1:${await freePort()}`, "--key", "k");
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toMatch(
      /^Cannot reach the CRM at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): is it running/,
    );
  });

  it("takes a key that starts with a dash, as a key may", async () => {
    const dashed = await startCrmServer(new MemoryCrmStore(), undefined, undefined, {
      apiKeys: { dashed: "-Fm24G0y4JHd" },
    });
    try {
      const run = await runVerify("--url", dashed.url, "--key", "-Fm24G0y4JHd", "--only", "journey");
      expect([run.code, run.stdout]).toEqual([0, expect.stringContaining("passed")]);
    } finally {
      await dashed.close();
    }
  });

  it("exits 2 on an unknown option, with the usage", async () => {
    const run = await runVerify("--urll", crm.url);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Usage: verify --url <instanceUrl> --key <authHeaderValue>");
  });
});
