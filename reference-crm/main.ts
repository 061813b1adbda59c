// `npm start`: the reference CRM. The API from the generated server stub, the agent pages, and the docs.
//   PORT        port to listen on (default 3000; 0 picks a free one)
//   HOST        interface to listen on (default 127.0.0.1)
//   API_KEY     accepted API keys, comma-separated (rotation); when unset, one random key is made and printed
//   PUBLIC_URL  where Khoros and agents reach it, the instanceUrl to register in Khoros (default
//               http://127.0.0.1:PORT); its path, such as /api/v1, is the base path of the API and the pages
//   STORE       sqlite (default) or memory
//   DATA_DIR    where SQLite keeps its file (default ./data)
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { createHttpServer, stopGracefully } from "../generated/server.js";
import { buildDocs, defaultDocsPath } from "../scripts/contract/docs.js";
import { createCrmListener } from "./app.js";
import { SqliteCrmStore } from "./stores/sqlite.js";
import { type CrmStore, MemoryCrmStore } from "./stores/store.js";

function apiKeysFromEnv(): { apiKeys: Record<string, string>; generatedKey?: string } {
  const given = (process.env.API_KEY ?? "").split(",").map((key) => key.trim()).filter(Boolean);
  if (given.length > 0) return { apiKeys: Object.fromEntries(given.map((key, i) => [`key-${i + 1}`, key])) };
  const generatedKey = randomBytes(24).toString("base64url");
  return { apiKeys: { generated: generatedKey }, generatedKey };
}

function openStore(): { store: CrmStore; where: string } {
  const kind = process.env.STORE ?? "sqlite";
  if (kind === "memory") return { store: new MemoryCrmStore(), where: "in memory" };
  if (kind !== "sqlite") throw new Error(`STORE must be sqlite or memory, not ${kind}.`);
  const dataDir = resolve(process.env.DATA_DIR ?? "data");
  return { store: SqliteCrmStore.open(dataDir), where: `in ${dataDir}` };
}

/** The rendered docs, built first if `npm run docs` has not been run; undefined if they cannot be built. */
async function loadDocs(): Promise<Buffer | undefined> {
  try {
    if (!existsSync(defaultDocsPath)) await buildDocs(defaultDocsPath);
    return readFileSync(defaultDocsPath);
  } catch (error) {
    console.error(`docs unavailable at /docs (${(error as Error).message.split("\n")[0]}); npm run docs builds them`);
    return undefined;
  }
}

const host = process.env.HOST ?? "127.0.0.1";
const { apiKeys, generatedKey } = apiKeysFromEnv();
const { store, where } = openStore();
const docsHtml = await loadDocs();
const server = createHttpServer();
server.listen(Number(process.env.PORT ?? 3000), host);
await once(server, "listening");
const { port } = server.address() as AddressInfo;
const publicUrl = (process.env.PUBLIC_URL ?? `http://${host}:${port}`).replace(/\/+$/, "");
server.on("request", createCrmListener({ store, publicUrl, docsHtml, apiKeys }));

const keyNote = generatedKey ? `; API key (generated, set API_KEY to choose): ${generatedKey}` : "";
console.log(`reference CRM listening on http://${host}:${port} (instanceUrl ${publicUrl}, docs at ${publicUrl}/docs, customers ${where})${keyNote}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await stopGracefully(server);
    await store.close();
    process.exit(0);
  });
}
