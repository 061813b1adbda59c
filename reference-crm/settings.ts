// The settings of `npm start` (main.ts), read from the environment and checked before anything starts:
//   PORT        port to listen on (default 3000; 0 picks a free one)
//   HOST        interface to listen on (default 127.0.0.1)
//   API_KEY     accepted keys, comma-separated (rotation); when unset, one random key is made once and
//               kept in DATA_DIR/api-key, so that it survives restarts
//   PUBLIC_URL  where Khoros and agents reach it, the instanceUrl to register in Khoros (default
//               http://HOST:PORT); its path, such as /api/v1, is the base path of the API and the pages
//   STORE       sqlite (default), memory, or postgres (DATABASE_URL, else the standard PG* variables)
//   DATA_DIR    where SQLite keeps its file and the generated key lives (default ./data)
//   WORKERS     server processes on the one port (default 1); more than one needs STORE=postgres
//   REQUEST_LOG off: no line per request
//   DOCS_FILE   the rendered docs served at /docs (default docs/index.html, which `npm run build` makes)
//   KHOROS_EVENTS_TOKEN  receive Khoros's error-custom-crm events, sent with this bearerToken; off unless set
//   KHOROS_EVENTS_PATH   where Khoros posts them, from the host's root (default /khoros/events)
//   DRAIN_SECONDS  after SIGTERM, how long GET /readyz answers 503 while requests are still served, before
//               the server stops accepting them (default 0): long enough for a load balancer to see it
//   METRICS_PORT   serve GET /metrics (Prometheus) on this port of HOST, for all workers (default: off; 0
//               picks a free one); never on PORT, which Khoros calls
import { existsSync, readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { keptKey, keyFile } from "./api-key.js";
import { defaultEventsPath } from "./events/receiver.js";
import { dataDirOf } from "./stores/registry.js";

/** A failure to start, said in one line: no stack. */
export class StartError extends Error {}

export const host = process.env.HOST ?? "127.0.0.1";
export const port = Number(process.env.PORT ?? 3000);
export const dataDir = dataDirOf();
export const storeKind = process.env.STORE || "sqlite";
export const workers = Number(process.env.WORKERS || 1);
export const eventsToken = process.env.KHOROS_EVENTS_TOKEN || undefined;
export const eventsPath = process.env.KHOROS_EVENTS_PATH || defaultEventsPath;
export const drainSeconds = Number(process.env.DRAIN_SECONDS || 0);
export const metricsPort = process.env.METRICS_PORT ? Number(process.env.METRICS_PORT) : undefined;

/** The accepted keys, what to register in Khoros, and how a shell gets the key (for the home page). */
export function apiKeys(): { apiKeys: Record<string, string>; register: string; keyInShell: string } {
  const given = (process.env.API_KEY ?? "")
    .split(",")
    .map((key) => key.trim())
    .filter(Boolean);
  if (given.length > 0) {
    return {
      apiKeys: Object.fromEntries(given.map((key, i) => [`key-${i + 1}`, key])),
      register: "one of the keys in API_KEY",
      keyInShell: "$API_KEY",
    };
  }
  const key = keptKey(dataDir);
  const relativeFile = relative(process.cwd(), keyFile(dataDir));
  const file = relativeFile.startsWith("..") ? keyFile(dataDir) : relativeFile;
  return {
    apiKeys: { kept: key },
    register: `${key} (kept in ${file}; set API_KEY to choose your own)`,
    keyInShell: `$(cat ${file})`,
  };
}

/** The rendered docs page (`npm run build` or `npm run docs` makes it); undefined, said in one line, when missing. */
export function loadDocs(): Buffer | undefined {
  const file = resolve(process.env.DOCS_FILE || "docs/index.html");
  if (existsSync(file)) return readFileSync(file);
  console.error(`docs unavailable at /docs: no ${relative(process.cwd(), file)} (npm run docs makes it)`);
  return undefined;
}

/** The settings, checked before anything starts. */
export function checkSettings(): void {
  const { WORKERS, DRAIN_SECONDS, METRICS_PORT } = process.env;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new StartError(`WORKERS must be a whole number from 1, not ${WORKERS}.`);
  }
  if (!(drainSeconds >= 0)) {
    throw new StartError(`DRAIN_SECONDS must be a number of seconds from 0, not ${DRAIN_SECONDS}.`);
  }
  if (!eventsPath.startsWith("/")) throw new StartError(`KHOROS_EVENTS_PATH must start with /, not ${eventsPath}.`);
  if (metricsPort === undefined) return;
  if (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535) {
    throw new StartError(`METRICS_PORT must be a port number, 0 to 65535, not ${METRICS_PORT}.`);
  }
  if (metricsPort === port && port !== 0) {
    throw new StartError(`METRICS_PORT must not be PORT (${port}): Khoros calls that one.`);
  }
}
