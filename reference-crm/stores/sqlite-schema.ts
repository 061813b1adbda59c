// The SQLite store's schema: better-sqlite3 for this Node, the migrations (see sql.ts), how they run (each
// in its own transaction) and the custom fields' columns.
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import * as shared from "./sql.js";
import { matchKey } from "./store.js";

/**
 * better-sqlite3 13 on Node 22 and later: 12 can abort the process there when a statement is garbage
 * collected (WiseLibs/better-sqlite3#1515, fixed in 13 only). 12 on Node 20, where 13 does not load.
 * Same API; package.json installs 13 under the name better-sqlite3-node22.
 */
export const Database: typeof BetterSqlite3 = createRequire(import.meta.url)(
  Number(process.versions.node.split(".")[0]) >= 22 ? "better-sqlite3-node22" : "better-sqlite3",
);
export type Database = BetterSqlite3.Database;

/** The schema's history, oldest first (see sql.ts): the custom fields' columns are added by `addFieldColumns`. */
export const migrations: readonly string[] = [
  // Keyed by the random id itself (WITHOUT ROWID): one B-tree to write per customer, not a table and an index.
  // (Its custom fields' columns, once listed here, are added by addFieldColumns as everywhere else; this
  // edit changes nothing for an existing database, which has them already.)
  `CREATE TABLE customers (
     id TEXT PRIMARY KEY,
     created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
   ) WITHOUT ROWID;`,
  `CREATE TABLE cases (
     id TEXT PRIMARY KEY,
     number INTEGER NOT NULL UNIQUE,
     customer_id TEXT NOT NULL,
     title TEXT NOT NULL,
     description TEXT NOT NULL,
     status TEXT NOT NULL,
     created TEXT NOT NULL,
     last_updated TEXT NOT NULL,
     interactions TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE INDEX cases_by_customer ON cases (customer_id);`,
  // Khoros's error-custom-crm events, one per trackingId; seq is the order they arrived in.
  `CREATE TABLE failure_events (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     tracking_id TEXT NOT NULL UNIQUE,
     received_at TEXT NOT NULL,
     event TEXT NOT NULL
   );`,
];

/** Brings the database to the latest schema, each step in its own transaction; returns the version. */
export function migrate(db: Database, steps: readonly string[] = migrations): number {
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const current =
    (db.prepare("SELECT version FROM schema_version").get() as { version: number } | undefined)?.version ?? 0;
  if (current > steps.length)
    throw new Error(`The database is at schema version ${current}, newer than this code (${steps.length}).`);
  for (let version = current + 1; version <= steps.length; version++) {
    db.transaction(() => {
      db.exec(steps[version - 1]!);
      db.prepare("DELETE FROM schema_version").run();
      db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(version);
    })();
  }
  return steps.length;
}

/** Adds the columns of the spec's custom fields a table lacks (see sql.ts), the key columns filled from the rows. */
export function addFieldColumns(
  db: Database,
  table: string,
  fields: readonly string[],
  searchable: readonly string[] = [],
): void {
  db.transaction(() => {
    const existing = new Set(
      (db.prepare(`PRAGMA table_info(${shared.quote(table)})`).all() as { name: string }[]).map((c) => c.name),
    );
    const missing = shared.fieldColumnsToAdd(existing, fields, searchable);
    for (const field of missing.columns) db.exec(shared.addColumn(table, field, "TEXT"));
    for (const field of missing.keys) {
      db.exec(shared.addColumn(table, shared.keyColumn(field), "TEXT"));
      const rows = db
        .prepare(
          `SELECT id, ${shared.quote(field)} AS value FROM ${shared.quote(table)} WHERE ${shared.quote(field)} IS NOT NULL`,
        )
        .all() as shared.Row[];
      const fill = db.prepare(
        `UPDATE ${shared.quote(table)} SET ${shared.quote(shared.keyColumn(field))} = ? WHERE id = ?`,
      );
      for (const row of rows) fill.run(matchKey(String(row.value)), row.id);
      db.exec(shared.keyIndex(table, field));
    }
  })();
}
