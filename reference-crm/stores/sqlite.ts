// The reference CRM's default store: customers and cases in embedded SQLite (better-sqlite3), one file
// under DATA_DIR. Each custom field of the spec is a column named as in the spec; a searchable one also
// has an indexed `<name>__key` column (its matchKey) for search and best match. Interactions are kept in
// their case's row as a JSON array, in order.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { newId } from "../ids.js";
import type { FailureEvent, StoredFailureEvent } from "../events/event.js";
import { GroupCommit } from "./group-commit.js";
import * as shared from "./sql.js";
import { addFieldColumns, Database, migrate } from "./sqlite-schema.js";

export { Database } from "./sqlite-schema.js";
import type { CaseChanges, CrmStore, CustomerFields, NewCase, StoredCase, StoredCustomer } from "./store.js";
import { caseFieldNames, customerFieldNames, now, pick, searchableCustomerFields } from "./store.js";

export interface SqliteStoreOptions {
  /** How long a write waits for a lock held by another connection before failing. */
  busyTimeoutMs?: number;
}

export class SqliteCrmStore implements CrmStore {
  readonly #db: Database;
  readonly #statements: Record<string, BetterSqlite3.Statement>;
  readonly #newCustomers: GroupCommit<StoredCustomer>;
  /** Statements built per request shape (which fields a search or an update names): a finite set, each prepared
   * once. */
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
    const fields = customerFieldNames.map(shared.quote).join(", ");
    const keys = searchableCustomerFields.map((f) => shared.quote(shared.keyColumn(f)));
    const anyKeyIsAFact = keys.map((key) => `${key} IN (SELECT value FROM json_each(:facts))`).join(" OR ") || "0";
    const factsMatched = `(SELECT count(*) FROM json_each(:facts) WHERE value IN (${keys.join(", ") || "NULL"}))`;
    const placeholders = (count: number) => Array.from({ length: count }, () => "?").join(", ");
    const customerColumns = shared.customerColumns.map(shared.quote).join(", ");
    const caseColumns = shared.caseColumns.map(shared.quote).join(", ");
    const nextCaseNumber = "(SELECT coalesce(max(number), 0) + 1 FROM cases)";
    this.#statements = Object.fromEntries(
      Object.entries({
        insertCustomer: `INSERT INTO customers (id, ${customerColumns})
          VALUES (?, ${placeholders(shared.customerColumns.length)})`,
        selectCustomer: `SELECT id, ${fields} FROM customers WHERE id = ?`,
        customerExists: "SELECT 1 FROM customers WHERE id = ?",
        countCustomers: "SELECT count(*) AS n FROM customers",
        ping: "SELECT 1",
        bestMatch: `SELECT id, ${fields} FROM customers WHERE ${anyKeyIsAFact}
          ORDER BY ${factsMatched} DESC, id DESC LIMIT :limit`,
        insertCase: `INSERT INTO cases (${caseColumns})
          VALUES (?, ${nextCaseNumber}, ${placeholders(shared.caseColumns.length - 2)})`,
        selectCase: `SELECT ${caseColumns} FROM cases WHERE id = ?`,
        selectCases: `SELECT ${caseColumns} FROM cases WHERE customer_id = ? ORDER BY id DESC`,
        insertEvent: `INSERT INTO failure_events (tracking_id, received_at, event) VALUES (?, ?, ?)
          ON CONFLICT DO NOTHING`,
        selectEvent: "SELECT received_at, event FROM failure_events WHERE tracking_id = ?",
        latestEvents: "SELECT received_at, event FROM failure_events ORDER BY seq DESC LIMIT ?",
      }).map(([name, sql]) => [name, db.prepare(sql)]),
    );
    const insertCustomers = db.transaction((customers: StoredCustomer[]) => {
      for (const customer of customers)
        this.#statements.insertCustomer!.run(customer.id, ...shared.customerColumnValues(customer));
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
    const row = this.#statements.selectCustomer!.get(id) as shared.Row | undefined;
    return row && shared.customerFromRow(row);
  }

  async updateCustomer(id: string, changes: CustomerFields): Promise<StoredCustomer | undefined> {
    const columns = shared.changedCustomerColumns(changes);
    return this.#db.transaction(() => {
      const current = this.#statements.selectCustomer!.get(id) as shared.Row | undefined;
      if (!current) return undefined;
      if (columns.length > 0) {
        this.#prepared(
          `UPDATE customers SET ${columns.map(([name]) => `${shared.quote(name)} = ?`).join(", ")} WHERE id = ?`,
        ).run(...columns.map(([, value]) => value), id);
      }
      return shared.customerFromRow(this.#statements.selectCustomer!.get(id) as shared.Row);
    })();
  }

  async searchCustomers(criteria: Readonly<Record<string, string>>, limit: number): Promise<StoredCustomer[]> {
    const { sql, values } = shared.searchStatement(criteria, limit, () => "?");
    return (this.#prepared(sql).all(...values) as shared.Row[]).map(shared.customerFromRow);
  }

  async bestMatchCustomers(facts: readonly string[], limit: number): Promise<StoredCustomer[]> {
    const rows = this.#statements.bestMatch!.all({ facts: JSON.stringify(facts), limit }) as shared.Row[];
    return rows.map(shared.customerFromRow);
  }

  async createCase(input: NewCase): Promise<StoredCase | undefined> {
    const id = newId("case");
    return this.#db.transaction(() => {
      if (!this.#statements.customerExists!.get(input.customerId)) return undefined;
      this.#statements.insertCase!.run(...shared.newCaseValues(id, input));
      return shared.caseFromRow(this.#statements.selectCase!.get(id) as shared.Row);
    })();
  }

  async getCase(id: string): Promise<StoredCase | undefined> {
    const row = this.#statements.selectCase!.get(id) as shared.Row | undefined;
    return row && shared.caseFromRow(row);
  }

  async updateCase(id: string, changes: CaseChanges): Promise<StoredCase | undefined> {
    return this.#db.transaction((): StoredCase | undefined => {
      const row = this.#statements.selectCase!.get(id) as shared.Row | undefined;
      if (!row) return undefined;
      const columns = shared.changedCaseColumns(shared.caseFromRow(row), changes);
      this.#prepared(
        `UPDATE cases SET ${columns.map(([name]) => `${shared.quote(name)} = ?`).join(", ")} WHERE id = ?`,
      ).run(...columns.map(([, value]) => value), id);
      return shared.caseFromRow(this.#statements.selectCase!.get(id) as shared.Row);
    })();
  }

  async listCases(customerId: string): Promise<StoredCase[] | undefined> {
    if (!this.#statements.customerExists!.get(customerId)) return undefined;
    return (this.#statements.selectCases!.all(customerId) as shared.Row[]).map(shared.caseFromRow);
  }

  async addFailureEvent(event: FailureEvent, receivedAt = now()): Promise<boolean> {
    return this.#statements.insertEvent!.run(event.trackingId, receivedAt, JSON.stringify(event)).changes === 1;
  }

  async getFailureEvent(trackingId: string): Promise<StoredFailureEvent | undefined> {
    const row = this.#statements.selectEvent!.get(trackingId) as shared.Row | undefined;
    return row && shared.failureEventFromRow(row);
  }

  async listFailureEvents(limit: number): Promise<StoredFailureEvent[]> {
    return (this.#statements.latestEvents!.all(limit) as shared.Row[]).map(shared.failureEventFromRow);
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
