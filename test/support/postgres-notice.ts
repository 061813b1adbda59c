// vitest's global setup: says once per run, not once per test file, that the PostgreSQL tests are skipped.
import { postgresAvailable, skippedNotice } from "./postgres.js";

export default function notice(): void {
  if (!postgresAvailable) console.log(skippedNotice);
}
