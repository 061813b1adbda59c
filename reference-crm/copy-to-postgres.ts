// `node --import tsx reference-crm/copy-to-postgres.ts`: copies the SQLite store's customers and cases into
// PostgreSQL, to move the reference CRM from STORE=sqlite to STORE=postgres.
//   DATA_DIR      where the SQLite file is (default ./data)
//   DATABASE_URL  the PostgreSQL database (when unset, pg's PG* variables: PGHOST, PGDATABASE, …)
// Ids, case numbers, dates and interactions are kept. A record whose id is already in PostgreSQL is skipped,
// so it can be run again. Run it while no server writes to PostgreSQL.
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { PostgresCrmStore } from "./stores/postgres.js";
import { Database, SqliteCrmStore } from "./stores/sqlite.js";
import type { StoredCase, StoredCustomer } from "./stores/store.js";

/** Records are copied this many at a time, each batch in one statement. */
const batchSize = 1000;

/** Copies every customer, then every case; returns how many of each it added, and how many were there already. */
export async function copyToPostgres(
  dataDir: string,
  to: PostgresCrmStore,
): Promise<{ customers: number; cases: number; skipped: number }> {
  const db = new Database(join(dataDir, "crm.sqlite"), { fileMustExist: true });
  const from = new SqliteCrmStore(db);
  /** The table's ids in order, a batch at a time. */
  function* idBatches(table: "customers" | "cases"): Generator<string[]> {
    const next = db.prepare(`SELECT id FROM ${table} WHERE id > ? ORDER BY id LIMIT ?`).pluck();
    for (
      let ids = next.all("", batchSize) as string[];
      ids.length > 0;
      ids = next.all(ids.at(-1), batchSize) as string[]
    )
      yield ids;
  }
  try {
    const copied = { customers: 0, cases: 0, skipped: 0 };
    for (const ids of idBatches("customers")) {
      const added = await to.addExistingCustomers(
        await Promise.all(ids.map((id) => from.getCustomer(id) as Promise<StoredCustomer>)),
      ); // there: its id was just read
      copied.customers += added;
      copied.skipped += ids.length - added;
    }
    for (const ids of idBatches("cases")) {
      const added = await to.addExistingCases(
        await Promise.all(ids.map((id) => from.getCase(id) as Promise<StoredCase>)),
      );
      copied.cases += added;
      copied.skipped += ids.length - added;
    }
    return copied;
  } finally {
    await from.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const dataDir = resolve(process.env.DATA_DIR || "data");
  try {
    const to = await PostgresCrmStore.open();
    try {
      const { customers, cases, skipped } = await copyToPostgres(dataDir, to);
      console.log(
        `copied ${customers} customers and ${cases} cases from ${dataDir} to PostgreSQL (${skipped} records were there already)`,
      );
    } finally {
      await to.close();
    }
  } catch (error) {
    console.error(`Cannot copy ${dataDir} to PostgreSQL: ${(error as Error).message.split("\n")[0]}`);
    process.exit(1);
  }
}
