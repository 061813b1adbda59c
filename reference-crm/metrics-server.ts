// GET /metrics for Prometheus, on a port of its own (METRICS_PORT), never on the one Khoros calls: what a
// scrape shows (operations, timings, the process) is for the operations team. With node:cluster workers the
// primary serves it, and one scrape gathers every worker's metrics (prom-client's AggregatorRegistry asks
// each worker over IPC and sums them); without workers, the process serves its own registry.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { AggregatorRegistry, type Registry } from "prom-client";
import { createHttpServer, errorBody, sendError } from "../generated/server.js";

/** Reads the metrics now, in Prometheus' text format. */
export type Scrape = () => Promise<{ contentType: string; text: string }>;

/** A process's own registry. */
export const scrapeRegistry =
  (registry: Registry): Scrape =>
  async () => ({ contentType: registry.contentType, text: await registry.metrics() });

/** In the primary: every worker's metrics, aggregated (counts and histograms summed, by metric and labels). */
export function scrapeWorkers(): Scrape {
  const workers = new AggregatorRegistry();
  return async () => ({ contentType: workers.contentType, text: await workers.clusterMetrics() });
}

/** In a worker: answers the primary's scrapes with `registry` (prom-client listens once an aggregator exists). */
export function answerPrimaryScrapes(registry: Registry): void {
  AggregatorRegistry.setRegistries(registry);
  new AggregatorRegistry();
}

export const metricsPath = "/metrics";

async function answer(req: IncomingMessage, res: ServerResponse, scrape: Scrape): Promise<void> {
  const path = (req.url ?? "/").split("?")[0]!;
  if (path !== metricsPath) return sendError(req, res, 404, errorBody("notFound", { path }));
  if (req.method !== "GET" && req.method !== "HEAD") {
    const body = errorBody("methodNotAllowed", { path, method: req.method ?? "", allowed: "GET or HEAD" });
    return sendError(req, res, 405, body, { headers: { Allow: "GET, HEAD" } });
  }
  try {
    const { contentType, text } = await scrape();
    const length = Buffer.byteLength(text);
    res.writeHead(200, { "Content-Type": contentType, "Content-Length": length, "Cache-Control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : text);
  } catch (error) {
    // A worker that does not answer within prom-client's 5 s: this scrape fails, the next one asks again.
    console.error(`metrics: a scrape failed (${(error as Error).message})`);
    sendError(req, res, 500, errorBody("unexpected"));
  }
}

/** A server answering GET /metrics with what `scrape` reads; anything else the API's 404 or 405. */
export function createMetricsServer(scrape: Scrape): Server {
  return createHttpServer().on("request", (req: IncomingMessage, res: ServerResponse) => void answer(req, res, scrape));
}
