// Every command the README and the home page show runs as pasted, in a fresh shell, after the quick start:
// on a copy of the project, the reference CRM started as `npm start` starts it (port 3000 when it is free,
// as the README says; another port otherwise, which the shell is then told in CRM_URL and the commands'
// URLs), then each shell snippet run by bash with nothing but PATH and HOME in its environment. The server
// also gets the KHOROS_EVENTS_TOKEN of the README's "Khoros's failure events" start line, as a reader who
// follows that section starts it: the other commands do not depend on it.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { portInUse } from "../scripts/shared/managed-process.js";
import { projectRoot } from "../scripts/shared/paths.js";
import type { StartedServer } from "../scripts/shared/server-script.js";
import { type OfflineBrowser, openOfflineBrowser } from "./support/browser.js";
import { copyProject, type ProjectCopy } from "./support/project-copy.js";

const readme = readFileSync(join(projectRoot, "README.md"), "utf8");
/** The README's shell snippets but the quick start's own (npm ci, npm start, npm test). */
const snippets = [...readme.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map(([, code]) => code!.trim()).filter((code) => !code.startsWith("npm ci"));
const readmeUrl = "http://127.0.0.1:3000";
/** The failure events' token of the README's start line, `KHOROS_EVENTS_TOKEN=… npm start`. */
const eventsToken = /^KHOROS_EVENTS_TOKEN=(\S+) npm start$/m.exec(readme)?.[1];

let copy: ProjectCopy;
let server: StartedServer;
let shellEnv: Record<string, string>;

beforeAll(async () => {
  copy = await copyProject(() => {});
  const port = (await portInUse(3000)) ? "0" : "3000";
  server = await copy.start("reference-crm/main.ts", { PORT: port, KHOROS_EVENTS_TOKEN: eventsToken! });
  shellEnv = { PATH: process.env.PATH!, HOME: process.env.HOME ?? "/root", ...(server.url === readmeUrl ? {} : { CRM_URL: server.url }) };
}, 90_000);
afterAll(async () => {
  await server?.process.stop();
  copy?.remove();
});

/** Runs a snippet as a user would paste it into bash in the project's folder. */
async function paste(snippet: string) {
  const command = snippet.replaceAll(readmeUrl, server.url);
  return promisify(execFile)("bash", ["-c", command], { cwd: copy.root, env: shellEnv, timeout: 60_000 }).catch(
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

const unescapeHtml = (html: string) =>
  html.replace(/&(amp|lt|gt|quot|#39);/g, (_, entity: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[entity]!);

describe("the README's commands, pasted after the quick start", () => {
  it("are the ones this test knows of (a new one is run too)", () => {
    expect(snippets.length).toBeGreaterThanOrEqual(3);
    expect(eventsToken, "the README's KHOROS_EVENTS_TOKEN=… npm start line").toBeDefined();
  });

  it.each(snippets.map((snippet) => ({ snippet, first: snippet.split("\n")[0] })))("$first", async ({ snippet }) => {
    const run = await paste(snippet);
    expect("code" in run ? run.code : 0, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).not.toMatch(/"error":|✗|failed/);
    expect(run.stderr).not.toMatch(/Error|error:/);
  });
});

describe("the home page", () => {
  let browser: OfflineBrowser;
  afterAll(() => browser?.close());

  it("shows a command that creates a customer, as pasted", async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    const [, pre] = /<pre>([\s\S]*?)<\/pre>/.exec(html)!;
    const run = await paste(unescapeHtml(pre!));
    expect("code" in run ? run.code : 0).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ id: expect.stringMatching(/^cus_/), customSearchableCustomerFieldOne: "@jane_doe" });
  });

  it("shows that command whole at 1280 px: no line clipped", async () => {
    browser = await openOfflineBrowser();
    await browser.page.setViewportSize({ width: 1280, height: 800 });
    await browser.page.goto(`${server.url}/`);
    const pre = browser.page.locator("pre");
    const { scrollWidth, clientWidth } = await pre.evaluate((element) => ({ scrollWidth: element.scrollWidth, clientWidth: element.clientWidth }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  });
});
