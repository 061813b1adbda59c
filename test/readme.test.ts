// Every command the README, the guides (guide/*.md) and the home page show runs as pasted, in a fresh shell,
// after the quick start: on a copy of the project, the reference CRM started as `npm start` starts it (port
// 3000 when it is free, as the docs say; another port otherwise, which the shell is then told in CRM_URL and
// the commands' URLs), then each ```sh block run by bash with nothing but PATH and HOME in its environment,
// page by page (the README first), in the order of the page. The server also gets the KHOROS_EVENTS_TOKEN of
// the `KHOROS_EVENTS_TOKEN=… npm start` line of guide/failure-events.md, as a reader who follows that page
// starts it: the other commands do not depend on it.
// Not run: the quick start's own block (npm ci, npm start, npm test), and a block marked ```sh no-test, for a
// command that cannot run here (a server that runs until stopped, a database, a git history, a host that does
// not exist); guide/toolchain.md tells the reader so. The docs' links, to a file and to a heading, are
// followed, the files they name must be there, and their prose is held to 120 characters a line.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { portInUse } from "../scripts/shared/managed-process.js";
import { projectRoot } from "../scripts/shared/paths.js";
import type { StartedServer } from "../scripts/shared/server-script.js";
import { type OfflineBrowser, openOfflineBrowser } from "./support/browser.js";
import { copyProject, type ProjectCopy } from "./support/project-copy.js";
import { searchableOne } from "./support/fields.js";

const guides = readdirSync(join(projectRoot, "guide"))
  .filter((file) => file.endsWith(".md"))
  .sort()
  .map((file) => `guide/${file}`);
/** The docs, README first, each with its text. */
const docs = ["README.md", ...guides].map((file) => ({ file, text: readFileSync(join(projectRoot, file), "utf8") }));

/** A fenced block of the docs: its language, the words after it, and its code (dedented when it sits in a list). */
interface Block {
  file: string;
  language: string;
  flags: string[];
  code: string;
}
const fenced = /^( *)```(\w*)([^\n]*)\n([\s\S]*?)^\1```$/gm;
const blocks: Block[] = docs.flatMap(({ file, text }) =>
  [...text.matchAll(fenced)].map(([, indent, language, flags, code]) => ({
    file,
    language: language!,
    flags: flags!.trim().split(/\s+/).filter(Boolean),
    code: code!.replace(new RegExp(`^${indent}`, "gm"), "").trim(),
  })),
);
/** The docs' shell snippets but the quick start's own (npm ci, npm start, npm test) and those marked no-test. */
const snippets = blocks.filter(
  (block) => block.language === "sh" && !block.flags.includes("no-test") && !block.code.startsWith("npm ci"),
);
const readmeUrl = "http://127.0.0.1:3000";
/** The failure events' token of the start line, `KHOROS_EVENTS_TOKEN=… npm start`. */
const eventsToken = docs.map(({ text }) => /^KHOROS_EVENTS_TOKEN=(\S+) npm start$/m.exec(text)?.[1]).find(Boolean);

let copy: ProjectCopy;
let server: StartedServer;
let shellEnv: Record<string, string>;

beforeAll(async () => {
  copy = await copyProject(() => {});
  const port = (await portInUse(3000)) ? "0" : "3000";
  server = await copy.start("reference-crm/main.ts", { PORT: port, KHOROS_EVENTS_TOKEN: eventsToken! });
  shellEnv = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME ?? "/root",
    ...(server.url === readmeUrl ? {} : { CRM_URL: server.url }),
  };
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
  html.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, entity: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[entity]!,
  );

describe("the docs' commands, pasted after the quick start", () => {
  it("are the ones this test knows of (a new one is run too)", () => {
    expect(snippets.length).toBeGreaterThanOrEqual(8);
    expect(eventsToken, "the KHOROS_EVENTS_TOKEN=… npm start line").toBeDefined();
  });

  it("say their language, and are marked in the one way this test reads", () => {
    expect(
      blocks.filter((block) => block.language === "").map((block) => `${block.file}: ${block.code.split("\n")[0]}`),
    ).toEqual([]);
    expect(
      blocks
        .filter((block) => block.language === "sh")
        .flatMap((block) => block.flags.filter((flag) => flag !== "no-test")),
    ).toEqual([]);
  });

  it.each(snippets.map(({ file, code }) => ({ snippet: code, name: `${file}: ${code.split("\n")[0]}` })))(
    "$name",
    async ({ snippet }) => {
      const run = await paste(snippet);
      expect("code" in run ? run.code : 0, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).not.toMatch(/"error":|✗|failed/);
      expect(run.stderr).not.toMatch(/Error|error:/);
    },
  );
});

/** A page without its fenced blocks. */
const withoutCode = (text: string) => text.replace(fenced, "");
/** A heading's anchor, as GitHub makes it: lower case, punctuation dropped, each space a hyphen. */
const anchorOf = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
/** The anchors of a page's headings, a repeated one numbered as GitHub numbers it. */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  for (const [, heading] of withoutCode(text).matchAll(/^#+ (.+)$/gm)) {
    const anchor = anchorOf(heading!);
    let unique = anchor;
    for (let n = 1; anchors.has(unique); n++) unique = `${anchor}-${n}`;
    anchors.add(unique);
  }
  return anchors;
}

describe("the docs' links and lines", () => {
  it.each(docs)("$file: every link to another page reaches it, and its heading", ({ file, text }) => {
    const targets = [
      ...withoutCode(text)
        .replace(/`[^`\n]*`/g, "")
        .matchAll(/\]\(([^)\s]+)\)/g),
    ].map(([, target]) => target!);
    const broken = targets
      .filter((target) => !/^https?:/.test(target))
      .filter((target) => {
        const [path, anchor] = target.split("#");
        const linked = path ? join(dirname(file), path) : file;
        if (!existsSync(join(projectRoot, linked))) return true;
        return anchor !== undefined && !anchorsOf(readFileSync(join(projectRoot, linked), "utf8")).has(anchor);
      });
    expect(broken).toEqual([]);
  });

  it.each(docs)("$file: prose lines within 120 characters (tables and code apart)", ({ text }) => {
    const long = withoutCode(text)
      .split("\n")
      .filter((line) => line.length > 120 && !line.startsWith("|"));
    expect(long).toEqual([]);
  });

  it.each(docs)("$file: every file of the project it names is there", ({ text }) => {
    const named = [
      ...withoutCode(text).matchAll(
        /`((?:spec|generated|src|reference-crm|scripts|test|examples|guide)\/[\w./{}-]+)`/g,
      ),
    ].map(([, path]) => path!);
    expect(named.filter((path) => !existsSync(join(projectRoot, path)))).toEqual([]);
  });

  it("the README stays under 200 lines: it points, the guides walk", () => {
    expect(docs[0]!.text.split("\n").length).toBeLessThan(200);
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
    expect(JSON.parse(run.stdout)).toMatchObject({
      id: expect.stringMatching(/^cus_/),
      [searchableOne]: "@jane_doe",
    });
  });

  it("shows that command whole at 1280 px: no line clipped", async () => {
    browser = await openOfflineBrowser();
    await browser.page.setViewportSize({ width: 1280, height: 800 });
    await browser.page.goto(`${server.url}/`);
    const pre = browser.page.locator("pre");
    const { scrollWidth, clientWidth } = await pre.evaluate((element) => ({
      scrollWidth: element.scrollWidth,
      clientWidth: element.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  });
});
