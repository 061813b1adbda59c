// The store the environment names, as `npm start` opens it and the scripts that read its data do
// (`npm run failures`, `npm run replay`): STORE (sqlite, memory or postgres), DATA_DIR, DATABASE_URL.
import { resolve } from "node:path";
import { PostgresCrmStore } from "./postgres.js";
import { SqliteCrmStore } from "./sqlite.js";
import { type CrmStore, MemoryCrmStore } from "./store.js";

/** A STORE that names no store: said in one line, without a stack. */
export class UnknownStoreError extends Error {}

/** Where SQLite keeps its file and the generated key lives. */
export const dataDirOf = (env: NodeJS.ProcessEnv = process.env) => resolve(env.DATA_DIR || "data");

/** The store, and where it keeps its data, in words. */
export async function openStore(env: NodeJS.ProcessEnv = process.env): Promise<{ store: CrmStore; where: string }> {
  const kind = env.STORE || "sqlite";
  if (kind === "memory") return { store: new MemoryCrmStore(), where: "in memory" };
  if (kind === "sqlite") return { store: SqliteCrmStore.open(dataDirOf(env)), where: `in SQLite, ${dataDirOf(env)}` };
  if (kind === "postgres") {
    const store = await PostgresCrmStore.open();
    return { store, where: `in PostgreSQL, ${env.DATABASE_URL ? "DATABASE_URL" : "as the PG* variables say"}` };
  }
  throw new UnknownStoreError(`STORE must be sqlite, memory or postgres, not ${kind}.`);
}
