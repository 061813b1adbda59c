// The PostgreSQL store's schema and its connection helpers: the migrations (see sql.ts), how they run
// (under an advisory lock, so that processes starting at once take turns), the custom fields' columns, and
// statements that carry text PostgreSQL cannot hold.
import pg from "pg";
import * as shared from "./sql.js";
import { caseFieldNames, customerFieldNames, matchKey, searchableCustomerFields } from "./store.js";

/** The schema's history, oldest first (see sql.ts): the custom fields' columns are added by `addFieldColumns`. */
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
  // Khoros's error-custom-crm events, one per trackingId; seq is the order they arrived in.
  `CREATE TABLE failure_events (
     seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     tracking_id text COLLATE "C" NOT NULL UNIQUE,
     received_at text NOT NULL,
     event json NOT NULL
   );`,
];

/**
 * PostgreSQL's text cannot hold U+0000, which the API allows: it is stored as U+0001 "0", and U+0001 itself
 * as U+0001 "1"; all other text as it is. `query` does both ways, so nothing else sees it. (JSON text never
 * holds a raw control character, so interactions are stored as written.)
 */
const toText = (value: string) => value.replace(/[\u0000\u0001]/g, (char) => `\u0001${char.charCodeAt(0)}`);
const fromText = (text: string) =>
  text.replace(/\u0001([01])/g, (_, code: string) => String.fromCharCode(Number(code)));
const toParameter = (value: unknown): unknown =>
  typeof value === "string" ? toText(value) : Array.isArray(value) ? value.map(toParameter) : value;

export type Connection = pg.Pool | pg.PoolClient;

/** Runs one parameterised statement and returns its rows, text escaped on the way in and back (see toText). */
export async function query(db: Connection, sql: string, values: readonly unknown[] = []): Promise<shared.Row[]> {
  const { rows } = await db.query(sql, values.map(toParameter));
  return rows.map((row: shared.Row) =>
    Object.fromEntries(
      Object.entries(row).map(([column, value]) => [column, typeof value === "string" ? fromText(value) : value]),
    ),
  );
}

const ignore = () => {};

/** Runs `work` in one transaction on one connection; resolves once it is committed. */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
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
    broken = await client.query("ROLLBACK").then(
      () => undefined,
      (rollbackError: Error) => rollbackError,
    );
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
    if (current > steps.length)
      throw new Error(`The database is at schema version ${current}, newer than this code (${steps.length}).`);
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

/** Adds the columns of the spec's custom fields a table lacks (see sql.ts), the key columns filled from the rows. */
async function addFieldColumns(
  client: pg.PoolClient,
  table: string,
  fields: readonly string[],
  searchable: readonly string[] = [],
): Promise<void> {
  const sql =
    "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1";
  const existing = new Set((await query(client, sql, [table])).map((column) => String(column.column_name)));
  const missing = shared.fieldColumnsToAdd(existing, fields, searchable);
  for (const field of missing.columns) await query(client, shared.addColumn(table, field, "text"));
  for (const field of missing.keys) {
    await query(client, shared.addColumn(table, shared.keyColumn(field), "text"));
    const rows = await query(
      client,
      `SELECT id, ${shared.quote(field)} AS value FROM ${shared.quote(table)} WHERE ${shared.quote(field)} IS NOT NULL`,
    );
    const fill = `UPDATE ${shared.quote(table)} SET ${shared.quote(shared.keyColumn(field))} = fill.key FROM unnest($1::text[], $2::text[]) AS fill (id, key) WHERE ${shared.quote(table)}.id = fill.id`;
    await query(client, fill, [rows.map((row) => row.id), rows.map((row) => matchKey(String(row.value)))]);
    await query(client, shared.keyIndex(table, field));
  }
}
