// The stores the reference CRM can run on, by the name STORE gives: `npm start` opens the one STORE names,
// and so do the scripts that read its data (`npm run failures`, `npm run replay`). A new store is a new
// entry here (and a module implementing CrmStore; test/store-conformance.test.ts holds it to the rules).
import { resolve } from "node:path";
import { MemoryCrmStore } from "./memory.js";
import { PostgresCrmStore } from "./postgres.js";
import { SqliteCrmStore } from "./sqlite.js";
import type { CrmStore } from "./store.js";

/** A STORE that names no store: said in one line, without a stack. */
export class UnknownStoreError extends Error {}

/** Where SQLite keeps its file and the generated key lives. */
export const dataDirOf = (env: NodeJS.ProcessEnv = process.env) => resolve(env.DATA_DIR || "data");

/** An opened store, and where it keeps its data, in words. */
export interface OpenedStore {
  store: CrmStore;
  where: string;
}

/** Each store by its STORE name: how it opens from the environment. */
export const stores: Readonly<Record<string, (env: NodeJS.ProcessEnv) => Promise<OpenedStore>>> = {
  sqlite: async (env) => ({ store: SqliteCrmStore.open(dataDirOf(env)), where: `in SQLite, ${dataDirOf(env)}` }),
  memory: async () => ({ store: new MemoryCrmStore(), where: "in memory" }),
  postgres: async (env) => ({
    store: await PostgresCrmStore.open(),
    where: `in PostgreSQL, ${env.DATABASE_URL ? "DATABASE_URL" : "as the PG* variables say"}`,
  }),
};

/** The store STORE names (sqlite unless set). */
export async function openStore(env: NodeJS.ProcessEnv = process.env): Promise<OpenedStore> {
  const kind = env.STORE || "sqlite";
  const open = Object.hasOwn(stores, kind) ? stores[kind] : undefined;
  if (!open) throw new UnknownStoreError(`STORE must be one of ${Object.keys(stores).join(", ")}, not ${kind}.`);
  return open(env);
}
