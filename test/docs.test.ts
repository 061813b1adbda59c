// The page `npm run docs` builds, opened in a real browser (Chromium) from disk, as an integrator would:
// what a reader sees of createCustomer, and that the page asks nothing of any other host.
// A full-page screenshot is saved to artifacts/docs.png for a person to look at.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDocs } from "../scripts/contract/docs.js";
import { projectRoot } from "../scripts/shared/paths.js";
import { type OfflineBrowser, openOfflineBrowser } from "./support/browser.js";
import { deref, firstExample, loadSpec, operation, type ParameterObject, responses } from "./support/spec.js";

const spec = loadSpec();
const op = operation(spec);
const created = responses(spec)["201"]!;
const apiKeyScheme = spec.components.securitySchemes[Object.keys(spec.security[0])[0]!];
const screenshot = join(projectRoot, "artifacts/docs.png");

let scratch: string;
let browser: OfflineBrowser;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), "docs-"));
  const page = join(scratch, "index.html");
  await buildDocs(page);
  browser = await openOfflineBrowser();
  await browser.page.goto(pathToFileURL(page).href, { waitUntil: "load" });
  // Redoc 3 renders the page as it is scrolled, and shows a tag's operations behind "+ Show": scroll to
  // it and open it, as a reader would.
  const show = browser.page.getByRole("button", { name: "+ Show", exact: true });
  for (let scrolls = 0; (await show.count()) === 0 && scrolls < 20; scrolls++) await browser.page.mouse.wheel(0, 600);
  await show.click();
  await browser.page.getByRole("heading", { name: op.summary }).waitFor();
  mkdirSync(join(projectRoot, "artifacts"), { recursive: true });
  await browser.page.screenshot({ path: screenshot, fullPage: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("the rendered docs", () => {
  it("name the API in the page title and link to the operation by its id", async () => {
    const { page } = browser;
    expect(await page.getByRole("heading", { level: 1 }).first().innerText()).toContain(spec.info.title);
    const link = page.locator(`a[href$="/${op.operationId.toLowerCase()}"]`).first();
    expect(await link.isVisible()).toBe(true);
  });

  it("show the operation's summary as its heading", async () => {
    const heading = browser.page.getByRole("heading", { name: op.summary }); // its name also holds an anchor's label
    expect(await heading.innerText()).toBe(op.summary);
    expect(await heading.isVisible()).toBe(true);
  });

  it("list every response status", async () => {
    const tabs = browser.page.getByRole("tablist", { name: "Response status" }).getByRole("tab");
    expect(await tabs.allInnerTexts()).toEqual(Object.keys(op.responses));
  });

  const headerNames: string[] = op.parameters.map((p: unknown) => deref<ParameterObject>(spec, p).name);
  it.each(headerNames)("show the header %s", async (name) => {
    const header = browser.page.getByText(name, { exact: true });
    expect(await header.count()).toBeGreaterThan(0);
    expect(await header.first().isVisible()).toBe(true);
  });

  it(`show the API-key scheme and its header ${apiKeyScheme.name} in the security details`, async () => {
    const { page } = browser;
    await page.getByRole("button", { name: "View security details" }).click();
    const label = page.getByText("Header parameter name:", { exact: true });
    const value = label.locator("xpath=following-sibling::*[1]");
    expect(await value.innerText()).toBe(apiKeyScheme.name);
    const firstLine = apiKeyScheme.description.trim().split("\n")[0].replaceAll("`", ""); // as rendered
    expect(await page.getByText(firstLine).isVisible()).toBe(true);
    await page.keyboard.press("Escape");
    await label.waitFor({ state: "hidden" });
  });

  it("show the JSON example of the 201 response", async () => {
    const samples = browser.page.locator(".panel-response-samples");
    const shown = JSON.parse(await samples.getByTestId("json-viewer").innerText());
    expect(shown).toEqual(firstExample(spec, created.content["application/json"]!));
  });

  it("show the plain-text example of the 201 response once text/plain is picked", async () => {
    const { page } = browser;
    const samples = page.locator(".panel-response-samples");
    await samples.getByRole("button", { name: "Response media type" }).click();
    await page.getByRole("menuitem", { name: "text/plain" }).click();
    const example = firstExample(spec, created.content["text/plain"]!) as string;
    await samples.getByText(example, { exact: true }).waitFor({ timeout: 5000 });
    expect(await samples.getByTestId("json-viewer").count()).toBe(0);
  });

  // Last, so that it counts what every step above made the page do.
  it("made no request to any host but this one (target: none attempted, blocked or not)", () => {
    expect(browser.offLocalhost).toEqual([]);
  });
});
