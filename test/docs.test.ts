// The page `npm run docs` builds, opened in a real browser (Chromium) from disk, as an integrator would:
// its heading unbroken and no empty badge, every tag open and every operation of the spec shown without a
// click (summary, parameters, response statuses), the API key's scheme, createCustomer's examples, and
// that the page asks nothing of any other host.
// A full-page screenshot is saved to artifacts/docs.png for a person to look at.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Locator } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDocs } from "../scripts/contract/docs.js";
import { projectRoot } from "../scripts/shared/paths.js";
import { type OperationModel, SpecModel } from "../scripts/shared/spec-model.js";
import { type OfflineBrowser, openOfflineBrowser } from "./support/browser.js";

const model = SpecModel.load();
const createCustomer = model.operation("createCustomer");
const created = model.response(createCustomer, 201)!;
const apiKeyScheme = model.securitySchemes(createCustomer)[0]![0]!.scheme as { name: string; description: string };
const tags = [...new Set(model.operations.flatMap((op) => op.tags))];
const screenshot = join(projectRoot, "artifacts/docs.png");

let scratch: string;
let browser: OfflineBrowser;

/** A regular expression that matches exactly this text. */
const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);

/** The first named example of a response's media type. */
const firstExample = (mediaType: string) => model.example(Object.values(created.content[mediaType]!.examples)[0]);

/**
 * Where Redoc renders an operation (its section is named `/<tag>/<operationid>`), scrolled to as a reader
 * would: Redoc renders a section only as it nears the screen, in a stand-in until then.
 */
async function sectionOf(op: OperationModel): Promise<Locator> {
  const section = browser.page.locator(`[data-section-id$="/${op.operationId.toLowerCase()}"]`);
  expect(await section.count(), `${op.operationId} is not on the page, not even as a stand-in`).toBe(1);
  // Found and scrolled to in one call: the stand-in may be replaced by the section at any moment.
  await section.evaluate((element) => element.scrollIntoView({ block: "center" }));
  await section.locator("h2").waitFor({ timeout: 10_000 });
  return section;
}

// The callbacks run in the page; this project's TypeScript has no DOM types, so they reach the page
// through the element they are given (`root` is the page's <html>, its scrolling element).
beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "docs-"));
  const file = join(scratch, "index.html");
  await buildDocs(file);
  browser = await openOfflineBrowser();
  const { page } = browser;
  await page.setViewportSize({ width: 1280, height: 900 }); // a laptop's: Redoc's three columns are narrow
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  // Read once from top to bottom, a screen at a time and without a click, so that the screenshot shows
  // the whole page. Redoc adds the operations once it runs in the page (the last one stands for all),
  // then renders each section when it nears the screen: at the bottom, the sections still rendering are
  // waited for, and reading goes on if they made the page longer. Best effort: the tests say what is missing.
  const last = model.operations.at(-1)!.operationId.toLowerCase();
  await page
    .locator(`[data-section-id$="/${last}"]`)
    .waitFor({ state: "attached", timeout: 10_000 })
    .catch(() => undefined);
  const root = page.locator("html");
  const atBottom = () => root.evaluate((html) => Math.ceil(html.scrollTop) + html.clientHeight >= html.scrollHeight);
  for (let screens = 0; screens < 200; screens++) {
    await root.evaluate((html) => {
      const { requestAnimationFrame } = html.ownerDocument.defaultView;
      return new Promise((painted) => requestAnimationFrame(() => requestAnimationFrame(painted)));
    });
    if (await atBottom()) {
      await page
        .locator("[data-section-id]:empty")
        .first()
        .waitFor({ state: "detached", timeout: 10_000 })
        .catch(() => undefined);
      if (await atBottom()) break;
    }
    await root.evaluate((html) => html.scrollBy(0, html.clientHeight));
  }
  await root.evaluate((html) => html.scrollTo(0, 0));
  mkdirSync(join(projectRoot, "artifacts"), { recursive: true });
  // Redoc lets Chromium skip painting the sections off the screen (content-visibility: auto), which a
  // full-page screenshot would show blank: for the screenshot only, every section is painted.
  const paintAll = await page.addStyleTag({ content: "* { content-visibility: visible !important; }" });
  await page.screenshot({ path: screenshot, fullPage: true });
  await paintAll.evaluate((style) => style.remove());
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("the rendered docs", () => {
  it("name the API in the page's heading", async () => {
    // Waited for: Redoc renders the heading once its script has run, which a busy machine may delay.
    const heading = browser.page.getByRole("heading", { level: 1, name: model.info.title }).first();
    await heading.waitFor({ timeout: 10_000 });
    expect(await heading.innerText()).toContain(model.info.title);
  });

  // 1280 px: a laptop, the heading squeezed beside its "Copy" button; 320 px: a small phone.
  it.each([1280, 320])("break the page's heading only between words, %i px wide", async (width) => {
    const { page } = browser;
    await page.setViewportSize({ width, height: 900 });
    try {
      // A word split over two lines has client rectangles on two lines.
      const splitWords = await page
        .getByRole("heading", { level: 1 })
        .first()
        .evaluate((heading) => {
          const split: string[] = [];
          const { document, NodeFilter } = heading.ownerDocument.defaultView;
          const texts = document.createTreeWalker(heading, NodeFilter.SHOW_TEXT);
          for (let text = texts.nextNode(); text; text = texts.nextNode()) {
            for (const word of (text.textContent ?? "").matchAll(/\S+/g)) {
              const range = document.createRange();
              range.setStart(text, word.index);
              range.setEnd(text, word.index + word[0].length);
              if (new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size > 1)
                split.push(word[0]);
            }
          }
          return split;
        });
      expect(splitWords).toEqual([]);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('have no empty "API docs by" badge (its logo would come from another host)', async () => {
    expect(await browser.page.getByText("API docs by").filter({ visible: true }).count()).toBe(0);
  });

  it.each(tags)("show the tag %s open, without a button to show its operations", async (tag) => {
    await sectionOf(model.operations.find((op) => op.tags.includes(tag))!); // the tag is rendered just above
    const heading = browser.page.locator("h2").filter({ hasText: exactly(tag) });
    await heading.scrollIntoViewIfNeeded();
    expect(await heading.isVisible()).toBe(true);
    expect(await browser.page.getByRole("button", { name: "+ Show", exact: true }).count()).toBe(0);
  });

  describe.each(model.operations.map((op) => [op.operationId, op] as const))("show %s", (_, op) => {
    it("with its summary as its heading", async () => {
      const heading = (await sectionOf(op)).locator("h2");
      await heading.scrollIntoViewIfNeeded();
      expect(await heading.innerText()).toBe(op.summary);
      expect(await heading.isVisible()).toBe(true);
    });

    it("with its parameters", async () => {
      // Each parameter's entry is the target of its deep link, `…/t=request&in=<where>&path=<name>`.
      const names = (await sectionOf(op)).locator('.schema-property-item[id*="/t=request&in="] .schema-name');
      expect((await names.allInnerTexts()).sort()).toEqual(op.parameters.map((p) => p.name).sort());
      for (const name of await names.all()) expect(await name.isVisible()).toBe(true);
    });

    it("with every response status", async () => {
      const tabs = (await sectionOf(op)).getByRole("tablist", { name: "Response status" }).getByRole("tab");
      expect(await tabs.allInnerTexts()).toEqual(op.responses.map((r) => String(r.status)));
    });
  });

  it(`show the API-key scheme and its header ${apiKeyScheme.name} in the security details`, async () => {
    const { page } = browser;
    await (await sectionOf(createCustomer)).getByRole("button", { name: "View security details" }).click();
    const label = page.getByText("Header parameter name:", { exact: true });
    const value = label.locator("xpath=following-sibling::*[1]");
    expect(await value.innerText()).toBe(apiKeyScheme.name);
    const firstLine = apiKeyScheme.description.trim().split("\n")[0]!.replaceAll("`", ""); // as rendered
    expect(await page.getByText(firstLine).isVisible()).toBe(true);
    await page.keyboard.press("Escape");
    await label.waitFor({ state: "hidden" });
  });

  it("show the JSON example of createCustomer's 201 response", async () => {
    const samples = (await sectionOf(createCustomer)).locator(".panel-response-samples");
    const shown = JSON.parse(await samples.getByTestId("json-viewer").innerText());
    expect(shown).toEqual(firstExample("application/json"));
  });

  it("show the plain-text example of createCustomer's 201 response once text/plain is picked", async () => {
    const { page } = browser;
    const samples = (await sectionOf(createCustomer)).locator(".panel-response-samples");
    await samples.getByRole("button", { name: "Response media type" }).click();
    await page.getByRole("menuitem", { name: "text/plain" }).click();
    await samples.getByText(firstExample("text/plain") as string, { exact: true }).waitFor({ timeout: 5000 });
    expect(await samples.getByTestId("json-viewer").count()).toBe(0);
  });

  // Last, so that it counts what every step above made the page do.
  it("made no request to any host but this one (target: none attempted, blocked or not)", () => {
    expect(browser.offLocalhost).toEqual([]);
  });
});
