// The reference CRM's default store: customers and cases in embedded SQLite (better-sqlite3), one file
// under DATA_DIR. Each custom field of the spec is a column named as in the spec; a searchable one also
// has an indexed `<name>__key` column (its matchKey) for search and best match. Interactions are kept in
// their case's row as a JSON array, in order.
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { newId } from "../ids.js";
import { GroupCommit } from "./group-commit.js";
import {
  type CaseChanges,
  caseColumns,
  caseFieldNames,
  caseFieldValues,
  caseFromRow,
  changedCaseColumns,
  changedCustomerColumns,
  type CrmStore,
  customerColumns,
  customerColumnValues,
  type CustomerFields,
  customerFieldNames,
  customerFromRow,
  keyColumn,
  matchKey,
  type NewCase,
  now,
  pick,
  quote,
  type Row,
  searchableCustomerFields,
  type StoredCase,
  type StoredCustomer,
} from "./store.js";

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
 * The schema's history, oldest first; `schema_version` records how many have run. A new table or index
 * is a new entry here, never an edit of an old one: existing data is kept. The custom fields' columns are
 * not listed: they follow the spec (see `addFieldColumns`).
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

/**
 * Adds a column for each custom field of the spec the table lacks (and, for a searchable field, its key
 * column, filled from the values already there, and its index). Additive only: a field dropped from the
 * spec keeps its column and data.
 */
export function addFieldColumns(db: Database, table: string, fields: readonly string[], searchable: readonly string[] = []): void {
  db.transaction(() => {
    const existing = new Set((db.prepare(`PRAGMA table_info(${quote(table)})`).all() as { name: string }[]).map((c) => c.name));
    for (const field of fields) if (!existing.has(field)) db.exec(`ALTER TABLE ${quote(table)} ADD COLUMN ${quote(field)} TEXT`);
    for (const field of searchable) {
      if (existing.has(keyColumn(field))) continue;
      db.exec(`ALTER TABLE ${quote(table)} ADD COLUMN ${quote(keyColumn(field))} TEXT`);
      const rows = db.prepare(`SELECT id, ${quote(field)} AS value FROM ${quote(table)} WHERE ${quote(field)} IS NOT NULL`).all() as Row[];
      const fill = db.prepare(`UPDATE ${quote(table)} SET ${quote(keyColumn(field))} = ? WHERE id = ?`);
      for (const row of rows) fill.run(matchKey(String(row.value)), row.id);
      db.exec(`CREATE INDEX ${quote(`${table}_by_${keyColumn(field)}`)} ON ${quote(table)} (${quote(keyColumn(field))})`);
    }
  })();
}

export interface SqliteStoreOptions {
  /** How long a write waits for a lock held by another connection before failing. */
  busyTimeoutMs?: number;
}

export class SqliteCrmStore implements CrmStore {
  readonly #db: Database;
  readonly #statements: Record<string, BetterSqlite3.Statement>;
  readonly #newCustomers: GroupCommit<StoredCustomer>;
  /** Statements built per request shape (which fields a search or an update names): a finite set, each prepared once. */
  readonly #byShape = new Map<string, BetterSqlite3.Statement>();

  /** Opens (creating the folder and file if needed) `<dataDir>/crm.sqlite` and migrates it. */
  static open(dataDir: string, options: SqliteStoreOptions = {}): SqliteCrmStore {
    mkdirSync(dataDir, { recursive: true });
    return new SqliteCrmStore(new Database(join(dataDir, "crm.sqlite")), options);
  }

  constructor(db: Database, options: SqliteStoreOptions = {}) {
    this.#db = db;
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (!db.readonly) {
      // WAL: readers never block the writer. NORMAL: a commit survives a crash of the process (kill -9);
      // only a power loss can take the last commits (FULL would fsync every one).
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      migrate(db);
      addFieldColumns(db, "customers", customerFieldNames, searchableCustomerFields);
      addFieldColumns(db, "cases", caseFieldNames);
    }
    const fields = customerFieldNames.map(quote).join(", ");
    const keys = searchableCustomerFields.map((f) => quote(keyColumn(f)));
    const anyKeyIsAFact = keys.map((key) => `${key} IN (SELECT value FROM json_each(:facts))`).join(" OR ") || "0";
    const factsMatched = `(SELECT count(*) FROM json_each(:facts) WHERE value IN (${keys.join(", ") || "NULL"}))`;
    const placeholders = (count: number) => Array.from({ length: count }, () => "?").join(", ");
    this.#statements = Object.fromEntries(
      Object.entries({
        insertCustomer: `INSERT INTO customers (id, ${customerColumns.map(quote).join(", ")}) VALUES (?, ${placeholders(customerColumns.length)})`,
        selectCustomer: `SELECT id, ${fields} FROM customers WHERE id = ?`,
        customerExists: "SELECT 1 FROM customers WHERE id = ?",
        countCustomers: "SELECT count(*) AS n FROM customers",
        ping: "SELECT 1",
        bestMatch: `SELECT id, ${fields} FROM customers WHERE ${anyKeyIsAFact} ORDER BY ${factsMatched} DESC, id DESC LIMIT :limit`,
        insertCase: `INSERT INTO cases (${caseColumns.map(quote).join(", ")}) VALUES (?, (SELECT coalesce(max(number), 0) + 1 FROM cases), ${placeholders(caseColumns.length - 2)})`,
        selectCase: `SELECT ${caseColumns.map(quote).join(", ")} FROM cases WHERE id = ?`,
        selectCases: `SELECT ${caseColumns.map(quote).join(", ")} FROM cases WHERE customer_id = ? ORDER BY id DESC`,
      }).map(([name, sql]) => [name, db.prepare(sql)]),
    );
    const insertCustomers = db.transaction((customers: StoredCustomer[]) => {
      for (const customer of customers) this.#statements.insertCustomer!.run(customer.id, ...customerColumnValues(customer));
    });
    this.#newCustomers = new GroupCommit(insertCustomers);
  }

  /**
   * Resolves once the customer is committed. Creates that arrive in the same turn of the event loop share
   * one transaction (group commit): one write of the log instead of one each.
   */
  async createCustomer(fields: CustomerFields): Promise<StoredCustomer> {
    const customer: StoredCustomer = { id: newId("cus"), ...pick(fields, customerFieldNames) };
    await this.#newCustomers.add(customer);
    return customer;
  }

  async getCustomer(id: string): Promise<StoredCustomer | undefined> {
    const row = this.#statements.selectCustomer!.get(id) as Row | undefined;
    return row && customerFromRow(row);
  }

  async updateCustomer(id: string, changes: CustomerFields): Promise<StoredCustomer | undefined> {
    const columns = changedCustomerColumns(changes);
    return this.#db.transaction(() => {
      const current = this.#statements.selectCustomer!.get(id) as Row | undefined;
      if (!current) return undefined;
      if (columns.length > 0) {
        this.#prepared(`UPDATE customers SET ${columns.map(([name]) => `${quote(name)} = ?`).join(", ")} WHERE id = ?`).run(...columns.map(([, value]) => value), id);
      }
      return customerFromRow(this.#statements.selectCustomer!.get(id) as Row);
    })();
  }

  async searchCustomers(criteria: Readonly<Record<string, string>>, limit: number): Promise<StoredCustomer[]> {
    const given = Object.entries(criteria).filter(([name]) => searchableCustomerFields.includes(name));
    const where = given.map(([name]) => `${quote(keyColumn(name))} = ?`).join(" AND ") || "1";
    const sql = `SELECT id, ${customerFieldNames.map(quote).join(", ")} FROM customers WHERE ${where} ORDER BY id DESC LIMIT ?`;
    const rows = this.#prepared(sql).all(...given.map(([, value]) => matchKey(value)), limit) as Row[];
    return rows.map(customerFromRow);
  }

  async bestMatchCustomers(facts: readonly string[], limit: number): Promise<StoredCustomer[]> {
    const rows = this.#statements.bestMatch!.all({ facts: JSON.stringify(facts), limit }) as Row[];
    return rows.map(customerFromRow);
  }

  async createCase(input: NewCase): Promise<StoredCase | undefined> {
    const id = newId("case");
    const created = now();
    return this.#db.transaction(() => {
      if (!this.#statements.customerExists!.get(input.customerId)) return undefined;
      const interactions = JSON.stringify(input.interactions ?? []);
      this.#statements.insertCase!.run(id, input.customerId, input.title, input.description ?? "", "open", created, created, interactions, ...caseFieldValues(input));
      return caseFromRow(this.#statements.selectCase!.get(id) as Row);
    })();
  }

  async getCase(id: string): Promise<StoredCase | undefined> {
    const row = this.#statements.selectCase!.get(id) as Row | undefined;
    return row && caseFromRow(row);
  }

  async updateCase(id: string, changes: CaseChanges): Promise<StoredCase | undefined> {
    return this.#db.transaction((): StoredCase | undefined => {
      const row = this.#statements.selectCase!.get(id) as Row | undefined;
      if (!row) return undefined;
      const columns = changedCaseColumns(caseFromRow(row), changes);
      this.#prepared(`UPDATE cases SET ${columns.map(([name]) => `${quote(name)} = ?`).join(", ")} WHERE id = ?`).run(...columns.map(([, value]) => value), id);
      return caseFromRow(this.#statements.selectCase!.get(id) as Row);
    })();
  }

  async listCases(customerId: string): Promise<StoredCase[] | undefined> {
    if (!this.#statements.customerExists!.get(customerId)) return undefined;
    return (this.#statements.selectCases!.all(customerId) as Row[]).map(caseFromRow);
  }

  /** How many customers are stored. */
  count(): number {
    return (this.#statements.countCustomers!.get() as { n: number }).n;
  }

  async ping(): Promise<void> {
    this.#statements.ping!.get(); // throws once the database is closed
  }

  async close(): Promise<void> {
    await this.#newCustomers.flush();
    if (this.#db.open) this.#db.close();
  }

  #prepared(sql: string): BetterSqlite3.Statement {
    let statement = this.#byShape.get(sql);
    if (!statement) this.#byShape.set(sql, (statement = this.#db.prepare(sql)));
    return statement;
  }
}
