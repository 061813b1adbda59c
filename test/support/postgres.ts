// PostgreSQL for tests: is there a server to test against, and throw-away databases on it. The server is
// DATABASE_URL's, or the one pg's PG* variables name (`pg_virtualenv npm test` makes one and sets them).
// Under CI the PostgreSQL tests always run, so that a missing server fails them loudly; elsewhere, without a
// server, they are skipped, and one line says how to run them.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { quote } from "../../reference-crm/stores/store.js";

const howToRun = "set DATABASE_URL, or run: pg_virtualenv npm test";

export const postgresAvailable = Boolean(process.env.DATABASE_URL || process.env.PGHOST) || process.env.CI === "true";
/** What a run without a server says, once (vitest's global setup, ./postgres-notice.ts, prints it). */
export const skippedNotice = `PostgreSQL tests skipped: no server (${howToRun})`;

/** Where to connect to `database` on the server; to its default database when omitted. */
export function postgresConfig(database?: string): pg.PoolConfig {
  const url = process.env.DATABASE_URL;
  if (!url) return database === undefined ? {} : { database };
  if (database === undefined) return { connectionString: url };
  const withDatabase = new URL(url); // the connection string wins over a `database` setting: change it there
  withDatabase.pathname = `/${database}`;
  return { connectionString: withDatabase.href };
}

/** Runs one statement on the server's default database. */
async function onServer(sql: string): Promise<void> {
  const client = new pg.Client(postgresConfig());
  await client.connect().catch((error: Error) => {
    throw new Error(`No PostgreSQL server to test against (${error.message}): ${howToRun}`, { cause: error });
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

/** Creates an empty database with a random name, `crm_test_…`. */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const name = `crm_test_${randomBytes(8).toString("hex")}`;
  await onServer(`CREATE DATABASE ${quote(name)}`);
  const config = postgresConfig(name);
  const env: Record<string, string> = config.connectionString ? { DATABASE_URL: config.connectionString } : { PGDATABASE: name };
  return { config, env, drop: () => onServer(`DROP DATABASE ${quote(name)}`) };
}
