// The recipe "Add a store" of guide/change-the-contract.md, applied to a throw-away copy of the project: a
// store module of its own in reference-crm/stores/, an entry for it in the registry of stores
// (reference-crm/stores/registry.ts) and in the stores the conformance suite runs against. The copy's
// conformance suite then passes for it, and the copy's reference CRM starts on it by its STORE name and keeps
// what it is sent.
import { execFile } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../scripts/shared/paths.js";
import { searchableOne } from "./support/fields.js";
import { copyProject, type ProjectCopy } from "./support/project-copy.js";

/** Step 1: the store, implementing CrmStore (here the memory store's code, under a name of its own). */
const storeModule = `// A throw-away store, to follow the recipe "Add a store".
import { MemoryCrmStore } from "./memory.js";
import type { CrmStore } from "./store.js";

export class ThrowAwayCrmStore extends MemoryCrmStore implements CrmStore {}
`;

/** Replaces `anchor` in a file of the copy with `replacement`; the anchor must be there once. */
function edit(copy: ProjectCopy, file: string, anchor: string, replacement: string) {
  const path = join(copy.root, file);
  const text = readFileSync(path, "utf8");
  expect(text.split(anchor).length - 1, `${file}: ${anchor}`).toBe(1);
  writeFileSync(path, text.replace(anchor, replacement));
}

/** Where the conformance suite lists the stores it runs against. */
const suite = "test/support/stores-under-test.ts";
let copy: ProjectCopy;

beforeAll(async () => {
  copy = await copyProject(() => {});
  for (const entry of ["test", "vitest.config.ts"])
    cpSync(join(projectRoot, entry), join(copy.root, entry), { recursive: true });
  writeFileSync(join(copy.root, "reference-crm/stores/throw-away.ts"), storeModule);
  // Step 2: its entry in the registry of stores, by its STORE name.
  const registry = "reference-crm/stores/registry.ts";
  edit(
    copy,
    registry,
    'import { SqliteCrmStore } from "./sqlite.js";\n',
    'import { SqliteCrmStore } from "./sqlite.js";\nimport { ThrowAwayCrmStore } from "./throw-away.js";\n',
  );
  edit(
    copy,
    registry,
    "  memory: async",
    '  "throw-away": async () => ({ store: new ThrowAwayCrmStore(), where: "in a throw-away store" }),\n' +
      "  memory: async",
  );
  // Step 3: one more store under test in the conformance suite.
  const sqliteImport = 'import { SqliteCrmStore } from "../../reference-crm/stores/sqlite.js";\n';
  edit(
    copy,
    suite,
    sqliteImport,
    `${sqliteImport}import { ThrowAwayCrmStore } from "../../reference-crm/stores/throw-away.js";\n`,
  );
  edit(
    copy,
    suite,
    "export const storesUnderTest: StoreUnderTest[] = [\n",
    "export const storesUnderTest: StoreUnderTest[] = [\n" +
      '  { name: "throw-away", open: async () => new ThrowAwayCrmStore(), cleanUp: async () => {} },\n',
  );
}, 90_000);

afterAll(() => copy?.remove());

describe("a store added by the recipe", () => {
  it("type-checks against the CrmStore interface, as the registry and the conformance suite use it", () => {
    expect(copy.typecheck(["reference-crm/stores/registry.ts", suite])).toEqual([]);
  });

  it("passes the store conformance suite", async () => {
    // The suite on the copy, without a PostgreSQL server: its memory, SQLite and throw-away stores.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !/^(PG|DATABASE_URL$|CI$|VITEST)/.test(name)),
    );
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(copy.root, "node_modules/vitest/vitest.mjs"), "run", "test/store-conformance", "--reporter=verbose"],
      { cwd: copy.root, env: { ...env, NO_COLOR: "1" }, timeout: 120_000 },
    );
    const ofTheNewStore = stdout.split("\n").filter((line) => line.includes("the 'throw-away' store"));
    expect(ofTheNewStore.length).toBeGreaterThanOrEqual(10);
    expect(ofTheNewStore.filter((line) => !line.trimStart().startsWith("✓"))).toEqual([]);
    expect(stdout).toMatch(/Test Files +3 passed/);
  }, 150_000);

  it("is what the reference CRM runs on with its STORE name", async () => {
    const server = await copy.start("reference-crm/main.ts", { API_KEY: "k", STORE: "throw-away", REQUEST_LOG: "off" });
    try {
      expect(server.process.recentOutput()).toMatch(/customers and cases in a throw-away store/);
      const headers = { Authorization: "k", "Content-Type": "application/json" };
      const created = await fetch(`${server.url}/customer`, {
        method: "POST",
        headers,
        body: `{"${searchableOne}": "@jane_doe"}`,
      });
      const { id } = (await created.json()) as { id: string };
      const found = await fetch(`${server.url}/customer/${id}`, { headers });
      expect([created.status, found.status, await found.json()]).toEqual([
        201,
        200,
        expect.objectContaining({ id, [searchableOne]: "@jane_doe" }),
      ]);
    } finally {
      await server.process.stop();
    }
  }, 60_000);
});
