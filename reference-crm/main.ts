// `npm start`: the reference CRM. The API from the generated server stub, the agent pages, and the docs.
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
//   DRAIN_SECONDS  after SIGTERM, how long GET /readyz answers 503 while requests are still served, before
//               the server stops accepting them (default 0): long enough for a load balancer to see it
//   METRICS_PORT   serve GET /metrics (Prometheus) on this port of HOST, for all workers (default: off; 0
//               picks a free one); never on PORT, which Khoros calls
// Prints what to register in Khoros on every start, then one line per request (JSON when not on a terminal).
import cluster from "node:cluster";
import { existsSync, readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { relative, resolve } from "node:path";
import { createHttpServer, type RequestRecord, stopGracefully } from "../generated/server.js";
import { createMetrics, type Metrics } from "../src/metrics.js";
import { keptKey, keyFile } from "./api-key.js";
import { createCrmListener } from "./app.js";
import {
  answerPrimaryScrapes,
  createMetricsServer,
  type Scrape,
  scrapeRegistry,
  scrapeWorkers,
} from "./metrics-server.js";
import { createRequestLog, type RequestLog } from "./request-log.js";
import { measureStore } from "./store-metrics.js";
import { PostgresCrmStore } from "./stores/postgres.js";
import { SqliteCrmStore } from "./stores/sqlite.js";
import { type CrmStore, MemoryCrmStore } from "./stores/store.js";

/** A failure to start, said in one line: no stack. */
class StartError extends Error {}

const host = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 3000);
const dataDir = resolve(process.env.DATA_DIR || "data");
const storeKind = process.env.STORE || "sqlite";
const workers = Number(process.env.WORKERS || 1);
const drainSeconds = Number(process.env.DRAIN_SECONDS || 0);
const metricsPort = process.env.METRICS_PORT ? Number(process.env.METRICS_PORT) : undefined;
/** True from the first SIGINT or SIGTERM on: readiness fails while the process stops. */
let draining = false;

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

async function openStore(): Promise<{ store: CrmStore; where: string }> {
  if (storeKind === "memory") return { store: new MemoryCrmStore(), where: "in memory" };
  if (storeKind === "sqlite") return { store: SqliteCrmStore.open(dataDir), where: `in SQLite, ${dataDir}` };
  if (storeKind === "postgres") {
    const store = await PostgresCrmStore.open();
    return { store, where: `in PostgreSQL, ${process.env.DATABASE_URL ? "DATABASE_URL" : "as the PG* variables say"}` };
  }
  throw new StartError(`STORE must be sqlite, memory or postgres, not ${storeKind}.`);
}

/** The rendered docs page (`npm run build` or `npm run docs` makes it); undefined, said in one line, when missing. */
function loadDocs(): Buffer | undefined {
  const file = resolve(process.env.DOCS_FILE || "docs/index.html");
  if (existsSync(file)) return readFileSync(file);
  console.error(`docs unavailable at /docs: no ${relative(process.cwd(), file)} (npm run docs makes it)`);
  return undefined;
}

function listen(server: ReturnType<typeof createHttpServer>, at = port, variable = "PORT"): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("listening", () => resolve((server.address() as AddressInfo).port));
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new StartError(
          error.code === "EADDRINUSE"
            ? `Port ${at} on ${host} is in use: stop what uses it, or start on another port, ` +
                `e.g. ${variable}=${at + 1} npm start.`
            : `Cannot listen on ${host}:${at}: ${error.message}`,
        ),
      ),
    );
    server.listen(at, host);
  });
}

/** GET /metrics on METRICS_PORT; its URL. */
async function serveMetrics(scrape: Scrape): Promise<string> {
  return `http://${host}:${await listen(createMetricsServer(scrape), metricsPort, "METRICS_PORT")}/metrics`;
}

/** The request log and the metrics, each told of every response. */
function tellBoth(log?: RequestLog, metrics?: Metrics): ((record: RequestRecord) => void) | undefined {
  if (!log || !metrics) return log ?? metrics?.record;
  return (record) => {
    log(record);
    metrics.record(record);
  };
}

/** A server process that listens, as it tells the primary when there are workers. */
interface Ready {
  url: string;
  where: string;
  register: string;
  requestLogged: boolean;
  /** Where GET /metrics is served, when METRICS_PORT is set. */
  metricsUrl?: string;
}

/** What to register in Khoros and where the docs are, said on every start (by the primary when there are workers). */
function sayReady({ url, where, register, requestLogged, metricsUrl }: Ready): void {
  const publicUrl = (process.env.PUBLIC_URL ?? url).replace(/\/+$/, "");
  console.log(`reference CRM listening on ${url}${workers > 1 ? ` · ${workers} workers` : ""} · customers and cases ${where}`);
  console.log(`register it in Khoros Marketing: instanceUrl ${publicUrl} · authHeaderValue ${register}`);
  if (metricsUrl) console.log(`metrics at ${metricsUrl} · health at ${url}/healthz and ${url}/readyz`);
  console.log(`docs at ${publicUrl}/docs · ${requestLogged ? "one line per request below" : "requests not logged (REQUEST_LOG=off)"} · Ctrl-C stops it`);
}

/** One server process: the store, the listener, a graceful stop; metrics when METRICS_PORT is set. */
async function serve(): Promise<void> {
  const { apiKeys: keys, register, keyInShell } = apiKeys();
  const metrics = metricsPort === undefined ? undefined : createMetrics();
  // Without workers, this process serves its metrics; a worker answers the primary's scrapes.
  const metricsUrl = metrics && cluster.isPrimary ? await serveMetrics(scrapeRegistry(metrics.registry)) : undefined;
  if (metrics && cluster.isWorker) answerPrimaryScrapes(metrics.registry);
  const opened = await openStore();
  const store = metrics ? measureStore(opened.store, metrics.registry) : opened.store;
  const server = createHttpServer();
  const listening = await listen(server).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  const url = `http://${host}:${listening}`;
  const publicUrl = (process.env.PUBLIC_URL ?? url).replace(/\/+$/, "");
  const docsHtml = loadDocs();
  const requestLog = process.env.REQUEST_LOG === "off" ? undefined : createRequestLog();
  const told = tellBoth(requestLog, metrics);
  const isDraining = () => draining;
  const settings = { store, publicUrl, keyInShell, docsHtml, apiKeys: keys, requestLog: told, isDraining };
  const listener = createCrmListener(settings);
  server.on("request", metrics ? metrics.countInFlight(listener) : listener);
  const ready: Ready = { url, where: opened.where, register, requestLogged: Boolean(requestLog), metricsUrl };
  if (cluster.isPrimary) sayReady(ready);
  else process.send!({ ready });
  stopOnSignals(server, store, requestLog);
}

/** SIGINT or SIGTERM: readiness fails; stop accepting, finish the requests in flight, close the store, exit. */
function stopOnSignals(server: ReturnType<typeof createHttpServer>, store: CrmStore, requestLog?: RequestLog): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      if (draining) return; // already stopping (a worker gets Ctrl-C's SIGINT, then the primary's SIGTERM)
      draining = true;
      const stopped = async () => {
        // Readiness fails at once; a SIGTERM (an orchestrator's) goes on serving for DRAIN_SECONDS, Ctrl-C does not.
        if (signal === "SIGTERM") await new Promise((resolve) => setTimeout(resolve, drainSeconds * 1000));
        await stopGracefully(server);
        await store.close();
      };
      stopped().then(
        () => {
          requestLog?.flush();
          process.exit(0);
        },
        (error: Error) => {
          console.error(`Could not stop cleanly: ${error.message}`);
          requestLog?.flush();
          process.exit(1);
        },
      );
    });
  }
}

/**
 * Several server processes on one port (node:cluster): each its own store's connections to the one
 * PostgreSQL. One that dies is replaced; SIGINT or SIGTERM stops them all, each finishing its requests.
 */
async function superviseWorkers(): Promise<void> {
  if (storeKind !== "postgres") throw new StartError(`WORKERS=${workers} needs STORE=postgres: a ${storeKind} store belongs to one process.`);
  if (!process.env.API_KEY?.trim()) keptKey(dataDir); // made once, before the workers read it
  const metricsUrl = metricsPort === undefined ? undefined : await serveMetrics(scrapeWorkers());
  let ready = 0;
  let stopping = false;
  cluster.on("message", (_worker, message: { ready?: Ready }) => {
    if (message.ready && ++ready === workers) sayReady({ ...message.ready, metricsUrl });
  });
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) return;
    if (ready < workers) {
      console.error(`A worker could not start (${signal ?? `exit code ${code}`}): see its line above.`);
      process.exit(1);
    }
    console.error(`worker ${worker.process.pid} ended (${signal ?? `exit code ${code}`}); starting another`);
    setTimeout(() => cluster.fork(), 1000); // not at once: one that cannot start (the database down) would spin
  });
  for (let i = 0; i < workers; i++) cluster.fork();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
      cluster.on("exit", () => Object.keys(cluster.workers ?? {}).length === 0 && process.exit(0));
    });
  }
}

/** The settings that are numbers, checked before anything starts. */
function checkSettings(): void {
  const { WORKERS, DRAIN_SECONDS, METRICS_PORT } = process.env;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new StartError(`WORKERS must be a whole number from 1, not ${WORKERS}.`);
  }
  if (!(drainSeconds >= 0)) {
    throw new StartError(`DRAIN_SECONDS must be a number of seconds from 0, not ${DRAIN_SECONDS}.`);
  }
  if (metricsPort === undefined) return;
  if (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535) {
    throw new StartError(`METRICS_PORT must be a port number, 0 to 65535, not ${METRICS_PORT}.`);
  }
  if (metricsPort === port && port !== 0) {
    throw new StartError(`METRICS_PORT must not be PORT (${port}): Khoros calls that one.`);
  }
}

try {
  checkSettings();
  if (cluster.isPrimary && workers > 1) await superviseWorkers();
  else await serve();
} catch (error) {
  console.error(error instanceof StartError ? error.message : `Cannot start the reference CRM: ${(error as Error).message.split("\n")[0]}`);
  process.exit(1);
}
