// Throw-away PostgreSQL databases on the server DATABASE_URL names (else pg's PG* variables), for the tests
// and the benchmark: each its own empty database, dropped afterwards.
import { randomBytes } from "node:crypto";
import pg from "pg";

/** Where to connect to `database` on the server; to its default database when omitted. */
export function postgresConfig(database?: string): pg.PoolConfig {
  const url = process.env.DATABASE_URL;
  if (!url) return database === undefined ? {} : { database };
  if (database === undefined) return { connectionString: url };
  const withDatabase = new URL(url); // the connection string wins over a `database` setting: change it there
  withDatabase.pathname = `/${database}`;
  return { connectionString: withDatabase.href };
}

/** Runs one statement on the server's default database; `unreachable` says what to do when there is no server. */
async function onServer(sql: string, unreachable: string): Promise<void> {
  const client = new pg.Client(postgresConfig());
  await client.connect().catch((error: Error) => {
    throw new Error(`No PostgreSQL server (${error.message}): ${unreachable}`, { cause: error });
  });
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface ScratchDatabase {
  config: pg.PoolConfig;
  /** The variables that point a child process (the CRM, copy-to-postgres.ts) at it. */
  env: Record<string, string>;
  /** Drops it; fails (after 5 s) while a connection to it is open, so close its stores first: a leak shows. */
  drop(): Promise<void>;
}

/** Creates an empty database with a random name, `<prefix>_…`. */
export async function createScratchDatabase(prefix: string, unreachable: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(8).toString("hex")}`;
  await onServer(`CREATE DATABASE ${pg.escapeIdentifier(name)}`, unreachable);
  const config = postgresConfig(name);
  const env: Record<string, string> = config.connectionString
    ? { DATABASE_URL: config.connectionString }
    : { PGDATABASE: name };
  return { config, env, drop: () => onServer(`DROP DATABASE ${pg.escapeIdentifier(name)}`, unreachable) };
}
