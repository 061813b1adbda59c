// `npm start`: the reference CRM. The API from the generated server stub, the agent pages, and the docs.
//   PORT        port to listen on (default 3000; 0 picks a free one)
//   HOST        interface to listen on (default 127.0.0.1)
//   API_KEY     accepted keys, comma-separated (rotation); when unset, one random key is made once and
//               kept in DATA_DIR/api-key, so that it survives restarts
//   PUBLIC_URL  where Khoros and agents reach it, the instanceUrl to register in Khoros (default
//               http://HOST:PORT); its path, such as /api/v1, is the base path of the API and the pages
//   STORE       sqlite (default) or memory
//   DATA_DIR    where SQLite keeps its file and the generated key lives (default ./data)
//   REQUEST_LOG off: no line per request
// Prints what to register in Khoros on every start, then one line per request (JSON when not on a terminal).
import { existsSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { relative, resolve } from "node:path";
import { createHttpServer, stopGracefully } from "../generated/server.js";
import { buildDocs, defaultDocsPath } from "../scripts/contract/docs.js";
import { keptKey, keyFile } from "./api-key.js";
import { createCrmListener } from "./app.js";
import { createRequestLog } from "./request-log.js";
import { SqliteCrmStore } from "./stores/sqlite.js";
import { type CrmStore, MemoryCrmStore } from "./stores/store.js";

/** A failure to start, said in one line: no stack. */
class StartError extends Error {}

const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 3000);
const dataDir = resolve(process.env.DATA_DIR || "data");

/** The accepted keys, what to register in Khoros, and how a shell gets the key (for the home page). */
function apiKeys(): { apiKeys: Record<string, string>; register: string; keyInShell: string } {
  const given = (process.env.API_KEY ?? "").split(",").map((key) => key.trim()).filter(Boolean);
  if (given.length > 0) {
    return { apiKeys: Object.fromEntries(given.map((key, i) => [`key-${i + 1}`, key])), register: "one of the keys in API_KEY", keyInShell: "$API_KEY" };
  }
  const key = keptKey(dataDir);
  const relativeFile = relative(process.cwd(), keyFile(dataDir));
  const file = relativeFile.startsWith("..") ? keyFile(dataDir) : relativeFile;
  return { apiKeys: { kept: key }, register: `${key} (kept in ${file}; set API_KEY to choose your own)`, keyInShell: `$(cat ${file})` };
}

function openStore(): { store: CrmStore; where: string } {
  const kind = process.env.STORE ?? "sqlite";
  if (kind === "memory") return { store: new MemoryCrmStore(), where: "in memory" };
  if (kind !== "sqlite") throw new StartError(`STORE must be sqlite or memory, not ${kind}.`);
  return { store: SqliteCrmStore.open(dataDir), where: `in SQLite, ${dataDir}` };
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

function listen(server: ReturnType<typeof createHttpServer>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("listening", () => resolve((server.address() as AddressInfo).port));
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new StartError(
          error.code === "EADDRINUSE"
            ? `Port ${port} on ${host} is in use: stop what uses it, or start on another port, e.g. PORT=${port + 1} npm start.`
            : `Cannot listen on ${host}:${port}: ${error.message}`,
        ),
      ),
    );
    server.listen(port, host);
  });
}

async function main(): Promise<void> {
  const { apiKeys: keys, register, keyInShell } = apiKeys();
  const { store, where } = openStore();
  const server = createHttpServer();
  const listening = await listen(server).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const publicUrl = (process.env.PUBLIC_URL ?? `http://${host}:${listening}`).replace(/\/+$/, "");
  const docsHtml = await loadDocs();
  const requestLog = process.env.REQUEST_LOG === "off" ? undefined : createRequestLog();
  server.on("request", createCrmListener({ store, publicUrl, keyInShell, docsHtml, apiKeys: keys, requestLog }));
  console.log(`reference CRM listening on http://${host}:${listening} · customers and cases ${where}`);
  console.log(`register it in Khoros Marketing: instanceUrl ${publicUrl} · authHeaderValue ${register}`);
  console.log(`docs at ${publicUrl}/docs · ${requestLog ? "one line per request below" : "requests not logged (REQUEST_LOG=off)"} · Ctrl-C stops it`);

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, async () => {
      await stopGracefully(server);
      await store.close();
      process.exit(0);
    });
  }
}

await main().catch((error: unknown) => {
  console.error(error instanceof StartError ? error.message : `Cannot start the reference CRM: ${(error as Error).message.split("\n")[0]}`);
  process.exit(1);
});
