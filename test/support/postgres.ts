// PostgreSQL for tests: is there a server to test against (DATABASE_URL's, or the one pg's PG* variables
// name: `pg_virtualenv npm test` makes one and sets them), and throw-away databases on it. Under CI the
// PostgreSQL tests always run, so that a missing server fails them loudly; elsewhere, without a server, they
// are skipped, and one line says how to run them.
import { createScratchDatabase as scratch, type ScratchDatabase } from "../../scripts/shared/scratch-database.js";

export type { ScratchDatabase } from "../../scripts/shared/scratch-database.js";

const howToRun = "set DATABASE_URL, or run: pg_virtualenv npm test";

export const postgresAvailable = Boolean(process.env.DATABASE_URL || process.env.PGHOST) || process.env.CI === "true";
/** What a run without a server says, once (vitest's global setup, ./postgres-notice.ts, prints it). */
export const skippedNotice = `PostgreSQL tests skipped: no server (${howToRun})`;

/** An empty database, `crm_test_…`, for one test. */
export const createScratchDatabase = (): Promise<ScratchDatabase> => scratch("crm_test", howToRun);
