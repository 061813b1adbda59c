// The reference CRM's default store: customers in embedded SQLite (better-sqlite3), one file under DATA_DIR,
// one column per custom field (named as in the spec).
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { type CustomerFields, type CustomerStore, customerFields, newCustomerId, type StoredCustomer } from "./store.js";

/**
 * better-sqlite3 13 on Node 22 and later: 12 can abort the process there when a statement is garbage
 * collected (WiseLibs/better-sqlite3#1515, fixed in 13 only). 12 on Node 20, where 13 does not load.
 * Same API; package.json installs 13 under the name better-sqlite3-node22.
 */
export const Database: typeof BetterSqlite3 = createRequire(import.meta.url)(
  Number(process.versions.node.split(".")[0]) >= 22 ? "better-sqlite3-node22" : "better-sqlite3",
);
type Database = BetterSqlite3.Database;

/**
 * The schema's history, oldest first; `schema_version` records how many have run. A new field is a new
 * entry here (ALTER TABLE … ADD COLUMN), never an edit of an old one: existing data is kept.
 */
export const migrations: readonly string[] = [
  // Keyed by the random id itself (WITHOUT ROWID): one B-tree to write per customer, not a table and an index.
  `CREATE TABLE customers (
     id TEXT PRIMARY KEY,
     created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
     customNonSearchableCustomerFieldOne TEXT,
     customNonSearchableCustomerFieldTwo TEXT,
     customSearchableCustomerFieldOne TEXT,
     customSearchableCustomerFieldTwo TEXT
   ) WITHOUT ROWID;`,
];

/** Brings the database to the latest schema, each step in its own transaction; returns the version. */
export function migrate(db: Database, steps: readonly string[] = migrations): number {
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const current = (db.prepare("SELECT version FROM schema_version").get() as { version: number } | undefined)?.version ?? 0;
  if (current > steps.length) throw new Error(`The database is at schema version ${current}, newer than this code (${steps.length}).`);
  for (let version = current + 1; version <= steps.length; version++) {
    db.transaction(() => {
      db.exec(steps[version - 1]!);
      db.prepare("DELETE FROM schema_version").run();
      db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(version);
    })();
  }
  return steps.length;
}

export interface SqliteStoreOptions {
  /** How long a write waits for a lock held by another connection before failing. */
  busyTimeoutMs?: number;
}

interface PendingCreate {
  customer: StoredCustomer;
  resolve(customer: StoredCustomer): void;
  reject(error: unknown): void;
}

export class SqliteCustomerStore implements CustomerStore {
  readonly #db: Database;
  readonly #insert: BetterSqlite3.Statement;
  readonly #select: BetterSqlite3.Statement;
  readonly #count: BetterSqlite3.Statement;
  readonly #insertBatch: (batch: PendingCreate[]) => void;
  #pending: PendingCreate[] = [];

  /** Opens (creating the folder and file if needed) `<dataDir>/crm.sqlite` and migrates it. */
  static open(dataDir: string, options: SqliteStoreOptions = {}): SqliteCustomerStore {
    mkdirSync(dataDir, { recursive: true });
    return new SqliteCustomerStore(new Database(join(dataDir, "crm.sqlite")), options);
  }

  constructor(db: Database, options: SqliteStoreOptions = {}) {
    this.#db = db;
    if (!db.readonly) {
      // WAL: readers never block the writer. NORMAL: a commit survives a crash of the process (kill -9);
      // only a power loss can take the last commits (FULL would fsync every one).
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      migrate(db);
    }
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    const columns = customerFields.join(", ");
    this.#insert = db.prepare(`INSERT INTO customers (id, ${columns}) VALUES (?, ${customerFields.map(() => "?").join(", ")})`);
    this.#select = db.prepare(`SELECT id, ${columns} FROM customers WHERE id = ?`);
    this.#count = db.prepare("SELECT count(*) AS n FROM customers");
    this.#insertBatch = db.transaction((batch: PendingCreate[]) => {
      // An absent field is NULL, an empty one ''.
      for (const { customer } of batch) this.#insert.run(customer.id, ...customerFields.map((name) => customer[name] ?? null));
    });
  }

  /**
   * Resolves once the customer is committed. Creates that arrive in the same turn of the event loop share
   * one transaction (group commit): one write of the log instead of one each. If it fails, all of them fail.
   */
  create(fields: CustomerFields): Promise<StoredCustomer> {
    return new Promise((resolve, reject) => {
      if (this.#pending.length === 0) setImmediate(() => this.#commitPending());
      this.#pending.push({ customer: { id: newCustomerId(), ...fields }, resolve, reject });
    });
  }

  #commitPending(): void {
    const batch = this.#pending;
    this.#pending = [];
    try {
      this.#insertBatch(batch);
    } catch (error) {
      for (const pending of batch) pending.reject(error);
      return;
    }
    for (const pending of batch) pending.resolve(pending.customer);
  }

  async get(id: string): Promise<StoredCustomer | undefined> {
    const row = this.#select.get(id) as Record<string, string | null> | undefined;
    if (!row) return undefined;
    const customer: StoredCustomer = { id: row.id! };
    for (const name of customerFields) if (row[name] !== null) customer[name] = row[name];
    return customer;
  }

  /** How many customers are stored. */
  count(): number {
    return (this.#count.get() as { n: number }).n;
  }

  async close(): Promise<void> {
    if (this.#pending.length > 0) this.#commitPending();
    if (this.#db.open) this.#db.close();
  }
}
