// The reference CRM on PostgreSQL (node-postgres), for several server processes sharing one database: the
// same design as sqlite.ts. Each custom field of the spec is a text column named as in the spec; a
// searchable one also has an indexed `<name>__key` column (its matchKey, computed here: SQL's lower() follows
// the server's locale). Interactions are kept in their case's row as a JSON array, in order.
import pg from "pg";
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
 * The schema's history, oldest first; `schema_version` records how many have run. A new table or index
 * is a new entry here, never an edit of an old one: existing data is kept. The custom fields' columns are
 * not listed: they follow the spec (see `addFieldColumns`).
 */
export const migrations: readonly string[] = [
  // Ids compare byte by byte (COLLATE "C") whatever the database's locale, so the highest id is the newest.
  `CREATE TABLE customers (
     id text COLLATE "C" PRIMARY KEY,
     created_at timestamptz NOT NULL DEFAULT now()
   );`,
  // json, not jsonb: it keeps the text as written, and jsonb refuses \u0000 in a string.
  `CREATE SEQUENCE case_numbers;
   CREATE TABLE cases (
     id text COLLATE "C" PRIMARY KEY,
     number bigint NOT NULL UNIQUE DEFAULT nextval('case_numbers'),
     customer_id text NOT NULL,
     title text NOT NULL,
     description text NOT NULL,
     status text NOT NULL,
     created text NOT NULL,
     last_updated text NOT NULL,
     interactions json NOT NULL
   );
   CREATE INDEX cases_by_customer ON cases (customer_id);`,
];

/**
 * PostgreSQL's text cannot hold U+0000, which the API allows: it is stored as U+0001 "0", and U+0001 itself
 * as U+0001 "1"; all other text as it is. `query` does both ways, so nothing else sees it. (JSON text never
 * holds a raw control character, so interactions are stored as written.)
 */
const toText = (value: string) => value.replace(/[\u0000\u0001]/g, (char) => `\u0001${char.charCodeAt(0)}`);
const fromText = (text: string) => text.replace(/\u0001([01])/g, (_, code: string) => String.fromCharCode(Number(code)));
const toParameter = (value: unknown): unknown => (typeof value === "string" ? toText(value) : Array.isArray(value) ? value.map(toParameter) : value);

type Connection = pg.Pool | pg.PoolClient;

/** Runs one parameterised statement and returns its rows, text escaped on the way in and back (see toText). */
async function query(db: Connection, sql: string, values: readonly unknown[] = []): Promise<Row[]> {
  const { rows } = await db.query(sql, values.map(toParameter));
  return rows.map((row: Row) => Object.fromEntries(Object.entries(row).map(([column, value]) => [column, typeof value === "string" ? fromText(value) : value])));
}

const ignore = () => {};

/** Runs `work` in one transaction on one connection; resolves once it is committed. */
async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // The connection's own error (PostgreSQL stopping between two statements) would crash the process if no
  // one listened; heard, it fails the next statement instead, and so the transaction.
  client.on("error", ignore);
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    // A connection that cannot even roll back is broken: released with its error, the pool closes it.
    broken = await client.query("ROLLBACK").then(() => undefined, (rollbackError: Error) => rollbackError);
    throw error;
  } finally {
    client.off("error", ignore);
    client.release(broken);
  }
}

/** The advisory lock held while migrating: any number no other application takes on this database ("kcrm"). */
const migrationLock = 0x6b63726d;

/**
 * Brings the database to the latest schema, then adds the spec's field columns; returns the version. All in
 * one transaction under an advisory lock, so that processes starting at once migrate one after the other
 * (the later ones find nothing to do).
 */
export async function migrate(pool: pg.Pool, steps: readonly string[] = migrations): Promise<number> {
  return transaction(pool, async (client) => {
    await query(client, "SELECT pg_advisory_xact_lock($1)", [migrationLock]);
    await query(client, "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)");
    const current = Number((await query(client, "SELECT version FROM schema_version"))[0]?.version ?? 0);
    if (current > steps.length) throw new Error(`The database is at schema version ${current}, newer than this code (${steps.length}).`);
    for (const step of steps.slice(current)) await client.query(step); // a step may be several statements: no parameters
    if (current < steps.length) {
      await query(client, "DELETE FROM schema_version");
      await query(client, "INSERT INTO schema_version (version) VALUES ($1)", [steps.length]);
    }
    await addFieldColumns(client, "customers", customerFieldNames, searchableCustomerFields);
    await addFieldColumns(client, "cases", caseFieldNames);
    return steps.length;
  });
}

/**
 * Adds a column for each custom field of the spec the table lacks (and, for a searchable field, its key
 * column, filled from the values already there, and its index). Additive only: a field dropped from the
 * spec keeps its column and data.
 */
async function addFieldColumns(client: pg.PoolClient, table: string, fields: readonly string[], searchable: readonly string[] = []): Promise<void> {
  const columns = await query(client, "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1", [table]);
  const existing = new Set(columns.map((column) => column.column_name));
  for (const field of fields) if (!existing.has(field)) await query(client, `ALTER TABLE ${quote(table)} ADD COLUMN ${quote(field)} text`);
  for (const field of searchable) {
    if (existing.has(keyColumn(field))) continue;
    await query(client, `ALTER TABLE ${quote(table)} ADD COLUMN ${quote(keyColumn(field))} text`);
    const rows = await query(client, `SELECT id, ${quote(field)} AS value FROM ${quote(table)} WHERE ${quote(field)} IS NOT NULL`);
    await query(
      client,
      `UPDATE ${quote(table)} SET ${quote(keyColumn(field))} = fill.key FROM unnest($1::text[], $2::text[]) AS fill (id, key) WHERE ${quote(table)}.id = fill.id`,
      [rows.map((row) => row.id), rows.map((row) => matchKey(String(row.value)))],
    );
    await query(client, `CREATE INDEX ${quote(`${table}_by_${keyColumn(field)}`)} ON ${quote(table)} (${quote(keyColumn(field))})`);
  }
}

/** The type of each case column that is not text. */
const caseColumnTypes: Record<string, string> = { number: "bigint", interactions: "json" };
const typeOf = (caseColumn: string) => caseColumnTypes[caseColumn] ?? "text";
/** What a new case is given: all but its number, which comes from the sequence. */
const newCaseColumns = caseColumns.filter((column) => column !== "number");

/** A customer's columns as written. */
const customerRowColumns = ["id", ...customerColumns];
/** What a customer or a case is read from; interactions as JSON text, as SQLite keeps them. */
const customerSelect = ["id", ...customerFieldNames].map(quote).join(", ");
const caseSelect = caseColumns.map((column) => (column === "interactions" ? `${quote(column)}::text AS ${quote(column)}` : quote(column))).join(", ");
const keys = searchableCustomerFields.map((field) => quote(keyColumn(field)));

/** Customers, given as one array per column. */
const insertCustomers = `INSERT INTO customers (${customerRowColumns.map(quote).join(", ")})
    SELECT * FROM unnest(${customerRowColumns.map((_, i) => `$${i + 1}::text[]`).join(", ")})`;

const statements = {
  // The customers created in one turn of the event loop (see GroupCommit).
  insertCustomers,
  selectCustomer: `SELECT ${customerSelect} FROM customers WHERE id = $1`,
  customerExists: "SELECT 1 FROM customers WHERE id = $1",
  countCustomers: "SELECT count(*) AS n FROM customers",
  // $1: the facts. A customer's score is how many of them equal one of its keys.
  bestMatch: `SELECT ${customerSelect} FROM customers WHERE ${keys.map((key) => `${key} = ANY($1::text[])`).join(" OR ") || "false"}
    ORDER BY (SELECT count(*) FROM unnest($1::text[]) AS fact WHERE fact IN (${keys.join(", ") || "NULL"})) DESC, id DESC LIMIT $2`,
  // $2: the customer, who must exist (one statement: atomic).
  insertCase: `INSERT INTO cases (${newCaseColumns.map(quote).join(", ")})
    SELECT ${newCaseColumns.map((column, i) => `$${i + 1}::${typeOf(column)}`).join(", ")} WHERE EXISTS (SELECT 1 FROM customers WHERE id = $2)
    RETURNING ${caseSelect}`,
  selectCase: `SELECT ${caseSelect} FROM cases WHERE id = $1`,
  selectCases: `SELECT ${caseSelect} FROM cases WHERE customer_id = $1 ORDER BY id DESC`,
  // One array per column; the ids already here are skipped.
  addCustomers: `${insertCustomers} ON CONFLICT (id) DO NOTHING RETURNING id`,
  addCases: `INSERT INTO cases (${caseColumns.map(quote).join(", ")})
    SELECT * FROM unnest(${caseColumns.map((column, i) => `$${i + 1}::${typeOf(column)}[]`).join(", ")}) ON CONFLICT (id) DO NOTHING RETURNING id`,
  continueCaseNumbers: "SELECT setval('case_numbers', max(number)) FROM cases",
};

/** `"a" = $2, "b" = $3`: the SET of an UPDATE whose first parameter is the id. */
const assignments = (columns: readonly [string, string][]) => columns.map(([name], i) => `${quote(name)} = $${i + 2}`).join(", ");
/** Rows of values as one array per column, for unnest. */
const byColumn = (rows: readonly unknown[][], width: number) => Array.from({ length: width }, (_, i) => rows.map((row) => row[i]));

export class PostgresCrmStore implements CrmStore {
  readonly #pool: pg.Pool;
  readonly #newCustomers: GroupCommit<unknown[]>;

  /**
   * Connects (by default to DATABASE_URL if set, else where pg's PG* variables say) and migrates. A query
   * waits at most `connectionTimeoutMillis` (default 5 s) for a connection, the pool being busy or the
   * server unreachable, then fails; once the server is back, the next query reconnects.
   */
  static async open(config: pg.PoolConfig = process.env.DATABASE_URL ? { connectionString: process.env.DATABASE_URL } : {}): Promise<PostgresCrmStore> {
    const pool = new pg.Pool({ connectionTimeoutMillis: 5000, ...config });
    // An idle connection that fails (PostgreSQL stopping) is dropped by the pool; unheard, its error would
    // crash the process. Said once per outage (every idle connection fails at once), again after a reconnect.
    let heard = false;
    pool.on("error", (error) => {
      if (!heard) console.error(`PostgreSQL: idle connections failed (${error.message}); the next query opens a new one`);
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
    this.#newCustomers = new GroupCommit((rows) => query(pool, statements.insertCustomers, byColumn(rows, customerRowColumns.length)));
  }

  /** Resolves once the customer is committed; creates of one turn share one statement (group commit). */
  async createCustomer(fields: CustomerFields): Promise<StoredCustomer> {
    const customer: StoredCustomer = { id: newId("cus"), ...pick(fields, customerFieldNames) };
    await this.#newCustomers.add([customer.id, ...customerColumnValues(customer)]);
    return customer;
  }

  async getCustomer(id: string): Promise<StoredCustomer | undefined> {
    const [row] = await query(this.#pool, statements.selectCustomer, [id]);
    return row && customerFromRow(row);
  }

  async updateCustomer(id: string, changes: CustomerFields): Promise<StoredCustomer | undefined> {
    const columns = changedCustomerColumns(changes);
    if (columns.length === 0) return this.getCustomer(id);
    const sql = `UPDATE customers SET ${assignments(columns)} WHERE id = $1 RETURNING ${customerSelect}`;
    const [row] = await query(this.#pool, sql, [id, ...columns.map(([, value]) => value)]);
    return row && customerFromRow(row);
  }

  async searchCustomers(criteria: Readonly<Record<string, string>>, limit: number): Promise<StoredCustomer[]> {
    const given = Object.entries(criteria).filter(([name]) => searchableCustomerFields.includes(name));
    const where = given.map(([name], i) => `${quote(keyColumn(name))} = $${i + 1}`).join(" AND ") || "true";
    const sql = `SELECT ${customerSelect} FROM customers WHERE ${where} ORDER BY id DESC LIMIT $${given.length + 1}`;
    return (await query(this.#pool, sql, [...given.map(([, value]) => matchKey(value)), limit])).map(customerFromRow);
  }

  async bestMatchCustomers(facts: readonly string[], limit: number): Promise<StoredCustomer[]> {
    return (await query(this.#pool, statements.bestMatch, [facts, limit])).map(customerFromRow);
  }

  async createCase(input: NewCase): Promise<StoredCase | undefined> {
    const created = now();
    const interactions = JSON.stringify(input.interactions ?? []);
    const values = [newId("case"), input.customerId, input.title, input.description ?? "", "open", created, created, interactions, ...caseFieldValues(input)];
    const [row] = await query(this.#pool, statements.insertCase, values);
    return row && caseFromRow(row);
  }

  async getCase(id: string): Promise<StoredCase | undefined> {
    const [row] = await query(this.#pool, statements.selectCase, [id]);
    return row && caseFromRow(row);
  }

  async updateCase(id: string, changes: CaseChanges): Promise<StoredCase | undefined> {
    return transaction(this.#pool, async (client): Promise<StoredCase | undefined> => {
      // Locks the case until commit: concurrent updates of it take turns, so no interaction is lost.
      const [row] = await query(client, `${statements.selectCase} FOR UPDATE`, [id]);
      if (!row) return undefined;
      const columns = changedCaseColumns(caseFromRow(row), changes);
      const sql = `UPDATE cases SET ${assignments(columns)} WHERE id = $1 RETURNING ${caseSelect}`;
      const [updated] = await query(client, sql, [id, ...columns.map(([, value]) => value)]);
      return caseFromRow(updated!);
    });
  }

  async listCases(customerId: string): Promise<StoredCase[] | undefined> {
    if ((await query(this.#pool, statements.customerExists, [customerId])).length === 0) return undefined;
    return (await query(this.#pool, statements.selectCases, [customerId])).map(caseFromRow);
  }

  /**
   * Adds customers another store made (copy-to-postgres.ts), ids kept, skipping the ids already here;
   * returns how many it added.
   */
  async addExistingCustomers(customers: readonly StoredCustomer[]): Promise<number> {
    const rows = customers.map((customer) => [customer.id, ...customerColumnValues(customer)]);
    return (await query(this.#pool, statements.addCustomers, byColumn(rows, customerRowColumns.length))).length;
  }

  /**
   * Adds cases another store made, ids, numbers and dates kept, skipping the ids already here; returns how
   * many it added. New cases are then numbered after the highest number here, so run it while no server
   * writes to this database.
   */
  async addExistingCases(cases: readonly StoredCase[]): Promise<number> {
    const rows = cases.map((c) => [c.id, Number(c.number), c.customerId, c.title, c.description, c.status, c.created, c.lastUpdated, JSON.stringify(c.interactions), ...caseFieldValues(c)]);
    return transaction(this.#pool, async (client) => {
      const added = await query(client, statements.addCases, byColumn(rows, caseColumns.length));
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
