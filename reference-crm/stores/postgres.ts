// The reference CRM on PostgreSQL (node-postgres), for several server processes sharing one database: the
// same design as sqlite.ts. Each custom field of the spec is a text column named as in the spec; a
// searchable one also has an indexed `<name>__key` column (its matchKey, computed here: SQL's lower() follows
// the server's locale). Interactions are kept in their case's row as a JSON array, in order.
import pg from "pg";
import { newId } from "../ids.js";
import type { FailureEvent, StoredFailureEvent } from "../events/event.js";
import { GroupCommit } from "./group-commit.js";
import * as shared from "./sql.js";
import { type Connection, migrate, query, transaction } from "./postgres-schema.js";
import type { CaseChanges, CrmStore, CustomerFields, NewCase, StoredCase, StoredCustomer } from "./store.js";
import { customerFieldNames, now, pick, searchableCustomerFields } from "./store.js";

/** The type of each case column that is not text. */
const caseColumnTypes: Record<string, string> = { number: "bigint", interactions: "json" };
const typeOf = (caseColumn: string) => caseColumnTypes[caseColumn] ?? "text";
/** What a new case is given: all but its number, which comes from the sequence. */
const newCaseColumns = shared.caseColumns.filter((column) => column !== "number");

/** A customer's columns as written. */
const customerRowColumns = ["id", ...shared.customerColumns];
/** What a customer or a case is read from; interactions as JSON text, as SQLite keeps them. */
const customerSelect = ["id", ...customerFieldNames].map(shared.quote).join(", ");
const caseSelect = shared.caseColumns
  .map((column) =>
    column === "interactions" ? `${shared.quote(column)}::text AS ${shared.quote(column)}` : shared.quote(column),
  )
  .join(", ");
const keys = searchableCustomerFields.map((field) => shared.quote(shared.keyColumn(field)));

/** Customers, given as one array per column. */
const insertCustomers = `INSERT INTO customers (${customerRowColumns.map(shared.quote).join(", ")})
    SELECT * FROM unnest(${customerRowColumns.map((_, i) => `$${i + 1}::text[]`).join(", ")})`;

const statements = {
  // The customers created in one turn of the event loop (see GroupCommit).
  insertCustomers,
  selectCustomer: `SELECT ${customerSelect} FROM customers WHERE id = $1`,
  customerExists: "SELECT 1 FROM customers WHERE id = $1",
  countCustomers: "SELECT count(*) AS n FROM customers",
  // $1: the facts. A customer's score is how many of them equal one of its keys.
  bestMatch: `SELECT ${customerSelect} FROM customers
    WHERE ${keys.map((key) => `${key} = ANY($1::text[])`).join(" OR ") || "false"}
    ORDER BY (SELECT count(*) FROM unnest($1::text[]) AS fact WHERE fact IN (${keys.join(", ") || "NULL"})) DESC,
      id DESC LIMIT $2`,
  // $2: the customer, who must exist (one statement: atomic).
  insertCase: `INSERT INTO cases (${newCaseColumns.map(shared.quote).join(", ")})
    SELECT ${newCaseColumns.map((column, i) => `$${i + 1}::${typeOf(column)}`).join(", ")}
    WHERE EXISTS (SELECT 1 FROM customers WHERE id = $2)
    RETURNING ${caseSelect}`,
  selectCase: `SELECT ${caseSelect} FROM cases WHERE id = $1`,
  selectCases: `SELECT ${caseSelect} FROM cases WHERE customer_id = $1 ORDER BY id DESC`,
  // One array per column; the ids already here are skipped.
  addCustomers: `${insertCustomers} ON CONFLICT (id) DO NOTHING RETURNING id`,
  addCases: `INSERT INTO cases (${shared.caseColumns.map(shared.quote).join(", ")})
    SELECT * FROM unnest(${shared.caseColumns.map((column, i) => `$${i + 1}::${typeOf(column)}[]`).join(", ")})
    ON CONFLICT (id) DO NOTHING RETURNING id`,
  continueCaseNumbers: "SELECT setval('case_numbers', max(number)) FROM cases",
  insertEvent: `INSERT INTO failure_events (tracking_id, received_at, event) VALUES ($1, $2, $3::json)
    ON CONFLICT (tracking_id) DO NOTHING RETURNING seq`,
  selectEvent: "SELECT received_at, event::text AS event FROM failure_events WHERE tracking_id = $1",
  latestEvents: "SELECT received_at, event::text AS event FROM failure_events ORDER BY seq DESC LIMIT $1",
};

/** `"a" = $2, "b" = $3`: the SET of an UPDATE whose first parameter is the id. */
const assignments = (columns: readonly [string, string][]) =>
  columns.map(([name], i) => `${shared.quote(name)} = $${i + 2}`).join(", ");
/** Rows of values as one array per column, for unnest. */
const byColumn = (rows: readonly unknown[][], width: number) =>
  Array.from({ length: width }, (_, i) => rows.map((row) => row[i]));

export class PostgresCrmStore implements CrmStore {
  readonly #pool: pg.Pool;
  readonly #newCustomers: GroupCommit<unknown[]>;

  /**
   * Connects (by default to DATABASE_URL if set, else where pg's PG* variables say) and migrates. A query
   * waits at most `connectionTimeoutMillis` (default 5 s) for a connection, the pool being busy or the
   * server unreachable, then fails; once the server is back, the next query reconnects.
   */
  static async open(
    config: pg.PoolConfig = process.env.DATABASE_URL ? { connectionString: process.env.DATABASE_URL } : {},
  ): Promise<PostgresCrmStore> {
    const pool = new pg.Pool({ connectionTimeoutMillis: 5000, ...config });
    // An idle connection that fails (PostgreSQL stopping) is dropped by the pool; unheard, its error would
    // crash the process. Said once per outage (every idle connection fails at once), again after a reconnect.
    let heard = false;
    pool.on("error", (error) => {
      if (!heard)
        console.error(`PostgreSQL: idle connections failed (${error.message}); the next query opens a new one`);
      heard = true;
    });
    pool.on("connect", () => (heard = false));
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresCrmStore(pool);
  }

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
    this.#newCustomers = new GroupCommit((rows) =>
      query(pool, statements.insertCustomers, byColumn(rows, customerRowColumns.length)),
    );
  }

  /** Resolves once the customer is committed; creates of one turn share one statement (group commit). */
  async createCustomer(fields: CustomerFields): Promise<StoredCustomer> {
    const customer: StoredCustomer = { id: newId("cus"), ...pick(fields, customerFieldNames) };
    await this.#newCustomers.add([customer.id, ...shared.customerColumnValues(customer)]);
    return customer;
  }

  async getCustomer(id: string): Promise<StoredCustomer | undefined> {
    const [row] = await query(this.#pool, statements.selectCustomer, [id]);
    return row && shared.customerFromRow(row);
  }

  async updateCustomer(id: string, changes: CustomerFields): Promise<StoredCustomer | undefined> {
    const columns = shared.changedCustomerColumns(changes);
    if (columns.length === 0) return this.getCustomer(id);
    const sql = `UPDATE customers SET ${assignments(columns)} WHERE id = $1 RETURNING ${customerSelect}`;
    const [row] = await query(this.#pool, sql, [id, ...columns.map(([, value]) => value)]);
    return row && shared.customerFromRow(row);
  }

  async searchCustomers(criteria: Readonly<Record<string, string>>, limit: number): Promise<StoredCustomer[]> {
    const { sql, values } = shared.searchStatement(criteria, limit, (i) => `$${i}`);
    return (await query(this.#pool, sql, values)).map(shared.customerFromRow);
  }

  async bestMatchCustomers(facts: readonly string[], limit: number): Promise<StoredCustomer[]> {
    return (await query(this.#pool, statements.bestMatch, [facts, limit])).map(shared.customerFromRow);
  }

  async createCase(input: NewCase): Promise<StoredCase | undefined> {
    const [row] = await query(this.#pool, statements.insertCase, shared.newCaseValues(newId("case"), input));
    return row && shared.caseFromRow(row);
  }

  async getCase(id: string): Promise<StoredCase | undefined> {
    const [row] = await query(this.#pool, statements.selectCase, [id]);
    return row && shared.caseFromRow(row);
  }

  async updateCase(id: string, changes: CaseChanges): Promise<StoredCase | undefined> {
    return transaction(this.#pool, async (client): Promise<StoredCase | undefined> => {
      // Locks the case until commit: concurrent updates of it take turns, so no interaction is lost.
      const [row] = await query(client, `${statements.selectCase} FOR UPDATE`, [id]);
      if (!row) return undefined;
      const columns = shared.changedCaseColumns(shared.caseFromRow(row), changes);
      const sql = `UPDATE cases SET ${assignments(columns)} WHERE id = $1 RETURNING ${caseSelect}`;
      const [updated] = await query(client, sql, [id, ...columns.map(([, value]) => value)]);
      return shared.caseFromRow(updated!);
    });
  }

  async listCases(customerId: string): Promise<StoredCase[] | undefined> {
    if ((await query(this.#pool, statements.customerExists, [customerId])).length === 0) return undefined;
    return (await query(this.#pool, statements.selectCases, [customerId])).map(shared.caseFromRow);
  }

  async addFailureEvent(event: FailureEvent, receivedAt = now()): Promise<boolean> {
    const values = [event.trackingId, receivedAt, JSON.stringify(event)];
    return (await query(this.#pool, statements.insertEvent, values)).length === 1;
  }

  async getFailureEvent(trackingId: string): Promise<StoredFailureEvent | undefined> {
    const [row] = await query(this.#pool, statements.selectEvent, [trackingId]);
    return row && shared.failureEventFromRow(row);
  }

  async listFailureEvents(limit: number): Promise<StoredFailureEvent[]> {
    return (await query(this.#pool, statements.latestEvents, [limit])).map(shared.failureEventFromRow);
  }

  /**
   * Adds customers another store made (copy-to-postgres.ts), ids kept, skipping the ids already here;
   * returns how many it added.
   */
  async addExistingCustomers(customers: readonly StoredCustomer[]): Promise<number> {
    const rows = customers.map((customer) => [customer.id, ...shared.customerColumnValues(customer)]);
    return (await query(this.#pool, statements.addCustomers, byColumn(rows, customerRowColumns.length))).length;
  }

  /**
   * Adds cases another store made, ids, numbers and dates kept, skipping the ids already here; returns how
   * many it added. New cases are then numbered after the highest number here, so run it while no server
   * writes to this database.
   */
  async addExistingCases(cases: readonly StoredCase[]): Promise<number> {
    const rows = cases.map((c) => [
      c.id,
      Number(c.number),
      c.customerId,
      c.title,
      c.description,
      c.status,
      c.created,
      c.lastUpdated,
      JSON.stringify(c.interactions),
      ...shared.caseFieldValues(c),
    ]);
    return transaction(this.#pool, async (client) => {
      const added = await query(client, statements.addCases, byColumn(rows, shared.caseColumns.length));
      await query(client, statements.continueCaseNumbers);
      return added.length;
    });
  }

  /** How many customers are stored. */
  async count(): Promise<number> {
    const [row] = await query(this.#pool, statements.countCustomers);
    return Number(row!.n);
  }

  /** A trivial query through the pool: it fails at once while PostgreSQL is down, and works again once it is back. */
  async ping(): Promise<void> {
    await this.#pool.query("SELECT 1");
  }

  /** The pool's connections now, for metrics: open, idle, and queries waiting for one (pg.Pool's counts). */
  poolUse(): { total: number; idle: number; waiting: number } {
    return { total: this.#pool.totalCount, idle: this.#pool.idleCount, waiting: this.#pool.waitingCount };
  }

  async close(): Promise<void> {
    await this.#newCustomers.flush();
    if (!this.#pool.ending) await this.#pool.end();
  }
}
