// `npm start`: the reference CRM. The API from the generated server stub, the agent pages, and the docs; its
// settings (environment variables) in settings.ts. Prints what to register in Khoros on every start, then one
// line per request (JSON when not on a terminal).
import cluster from "node:cluster";
import type { AddressInfo } from "node:net";
import { createHttpServer, type RequestRecord, stopGracefully } from "../generated/server.js";
import { createMetrics, type Metrics } from "../src/metrics.js";
import { keptKey } from "./api-key.js";
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
import type { CrmStore } from "./stores/store.js";
import {
  apiKeys,
  checkSettings,
  dataDir,
  drainSeconds,
  eventsPath,
  eventsToken,
  host,
  loadDocs,
  metricsPort,
  port,
  StartError,
  storeKind,
  workers,
} from "./settings.js";
import { openStore, UnknownStoreError } from "./stores/registry.js";

/** True from the first SIGINT or SIGTERM on: readiness fails while the process stops. */
let draining = false;

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
  console.log(
    `reference CRM listening on ${url}${workers > 1 ? ` · ${workers} workers` : ""} · customers and cases ${where}`,
  );
  console.log(`register it in Khoros Marketing: instanceUrl ${publicUrl} · authHeaderValue ${register}`);
  const events = `notificationUri ${new URL(eventsPath, publicUrl)} · bearerToken as in KHOROS_EVENTS_TOKEN`;
  if (eventsToken) console.log(`subscribe in Khoros to error-custom-crm: ${events}`);
  if (metricsUrl) console.log(`metrics at ${metricsUrl} · health at ${url}/healthz and ${url}/readyz`);
  console.log(
    `docs at ${publicUrl}/docs · ` +
      `${requestLogged ? "one line per request below" : "requests not logged (REQUEST_LOG=off)"}` +
      " · Ctrl-C stops it",
  );
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
  const events = eventsToken ? { token: eventsToken, path: eventsPath } : undefined;
  const settings = { store, publicUrl, keyInShell, docsHtml, apiKeys: keys, requestLog: told, isDraining, events };
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
  if (storeKind !== "postgres")
    throw new StartError(`WORKERS=${workers} needs STORE=postgres: a ${storeKind} store belongs to one process.`);
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

try {
  checkSettings();
  if (cluster.isPrimary && workers > 1) await superviseWorkers();
  else await serve();
} catch (error) {
  const oneLine = error instanceof StartError || error instanceof UnknownStoreError;
  console.error(oneLine ? error.message : `Cannot start the reference CRM: ${(error as Error).message.split("\n")[0]}`);
  process.exit(1);
}
