// copy-to-postgres.ts: what the SQLite store holds arrives in PostgreSQL exactly (every field, case numbers,
// interactions in order), and a second run, as the command, copies nothing new.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { copyToPostgres } from "../reference-crm/copy-to-postgres.js";
import { PostgresCrmStore } from "../reference-crm/stores/postgres.js";
import { SqliteCrmStore } from "../reference-crm/stores/sqlite.js";
import type { SentInteraction, StoredCase, StoredCustomer } from "../reference-crm/stores/store.js";
import { projectRoot } from "../scripts/shared/paths.js";
import { createScratchDatabase, postgresAvailable, type ScratchDatabase } from "./support/postgres.js";
import { caseFieldOne, notSearchableOne, searchableOne, searchableTwo } from "./support/fields.js";

const interaction = (body: string): SentInteraction => ({
  created: "2026-11-27T09:10:00Z",
  body,
  linkUrl: "https://social.example/1",
  serviceId: "1",
  service: "facebook",
  contentType: "post",
});

describe.skipIf(!postgresAvailable)("copying the SQLite store to PostgreSQL", () => {
  let dataDir: string;
  let database: ScratchDatabase;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "crm-copy-"));
    database = await createScratchDatabase();
  });
  afterEach(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await database.drop();
  });

  it("copies every customer and case exactly, numbers kept, and a second run copies nothing new", async () => {
    const sqlite = SqliteCrmStore.open(dataDir);
    // More than one batch of customers, and fields of every kind: Unicode, U+0000, empty, absent.
    const customers: StoredCustomer[] = await Promise.all([
      sqlite.createCustomer({
        [searchableOne]: "Zoë 日本語 \u0000 😀",
        [searchableTwo]: "",
        [notSearchableOne]: "x",
      }),
      ...Array.from({ length: 1500 }, (_, i) => sqlite.createCustomer({ [searchableTwo]: `C-${i}` })),
    ]);
    const [jane, other] = customers;
    const opened = (await sqlite.createCase({
      customerId: jane!.id,
      title: "Open ✓",
      [caseFieldOne]: "",
      interactions: [interaction("one"), interaction("two")],
    }))!;
    const closed = (await sqlite.createCase({ customerId: other!.id, title: "Closed", description: "long" }))!;
    await sqlite.updateCase(closed.id, {
      status: "closed",
      interactions: [{ ...interaction("three"), linkUrl: undefined, mood: "kept" }],
    });
    const cases = (await Promise.all([opened, closed].map((c) => sqlite.getCase(c.id)))) as StoredCase[];
    await sqlite.close();

    const postgres = await PostgresCrmStore.open(database.config);
    try {
      expect(await copyToPostgres(dataDir, postgres)).toEqual({ customers: 1501, cases: 2, skipped: 0 });
      for (const customer of customers) expect(await postgres.getCustomer(customer.id)).toEqual(customer);
      for (const stored of cases) expect(await postgres.getCase(stored.id)).toEqual(stored);
      expect(await postgres.searchCustomers({ [searchableOne]: "ZOË 日本語 \u0000 😀" }, 10)).toEqual([jane]);
      expect(await postgres.listCases(other!.id)).toEqual([cases[1]]);

      const run = await promisify(execFile)(
        process.execPath,
        ["--import", "tsx", "reference-crm/copy-to-postgres.ts"],
        {
          cwd: projectRoot,
          env: { ...process.env, DATA_DIR: dataDir, ...database.env },
        },
      );
      expect(run.stdout).toBe(
        `copied 0 customers and 0 cases from ${dataDir} to PostgreSQL (1503 records were there already)\n`,
      );
      expect(await postgres.count()).toBe(1501);
      expect((await postgres.createCase({ customerId: jane!.id, title: "After the copy" }))!.number).toBe("00000003");
    } finally {
      await postgres.close();
    }
  });
});
