// Prometheus metrics of a server built on the kit (`khoros-crm-kit/metrics`), served by prom-client:
// requests by operation and status, a latency histogram per operation, requests in flight, and the process's
// own metrics. A consumer of the listener's `requestLog`: each record names its operation and its route's
// template, so no label ever holds a raw path (an id in it would make a new series per customer). Counted on
// the request path with a few additions (collected-metrics.ts says why), read by prom-client when scraped.
import type { IncomingMessage, ServerResponse } from "node:http";
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { type MetricValue, registerCollected, Series } from "./collected-metrics.js";
import type { RequestRecord } from "./types.js";

export { measureMethods, type MethodHistogram } from "./method-metrics.js";

export interface MetricsOptions {
  /**
   * Where the metrics are registered. A new registry unless given, with the process's default metrics
   * (CPU, memory, event loop, GC); a registry of yours gets only the kit's metrics, its defaults being yours.
   */
  registry?: Registry;
  /** Starts every metric's name ("khoros_crm_" unless set). */
  prefix?: string;
}

/** A node:http request listener, or Express/Connect middleware. */
type NodeListener = (req: IncomingMessage, res: ServerResponse, ...rest: never[]) => unknown;

export interface Metrics {
  /** What to scrape: `await registry.metrics()`, with `registry.contentType`. */
  readonly registry: Registry;
  /** Counts a response: pass it as `requestLog`, or call it from yours. */
  record(record: RequestRecord): void;
  /** A node:http listener (or Express middleware) whose requests in flight are counted. */
  countInFlight<Listener extends NodeListener>(listener: Listener): Listener;
}

/** The label of a request that reached no operation (a page, a path or method the spec does not have). */
export const noOperation = "none";

/** Methods kept as they are in a label; any other (a fetch handler may be sent any token) is "other". */
const knownMethods = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"]);

/**
 * Latency buckets, in seconds: from 0.5 ms (the stub answers in well under a millisecond on a fast store) to
 * 10 s (the limit a client such as Khoros is likely to wait).
 */
export const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What is counted of one operation and method: its latency, and its responses by status. */
interface Counted {
  latency: Series;
  statuses: Map<number, number>;
}

export function createMetrics({ registry, prefix = "khoros_crm_" }: MetricsOptions = {}): Metrics {
  const registers = [registry ?? new Registry()];
  if (!registry) collectDefaultMetrics({ register: registers[0] });
  const counted = new Map<string, Map<string, Counted>>(); // by operation, then method
  const all = () => [...counted.values()].flatMap((byMethod) => [...byMethod.values()]);
  registerCollected(registers, {
    name: `${prefix}requests_total`,
    help: "Requests answered, by operationId (none: no operation), the route's template, method and status.",
    type: "counter",
    values: () =>
      all().flatMap(({ latency, statuses }) =>
        [...statuses].map(([status, value]): MetricValue => ({ labels: { ...latency.labels, status }, value })),
      ),
    reset: () => all().forEach(({ statuses }) => statuses.clear()),
  });
  const duration = `${prefix}request_duration_seconds`;
  registerCollected(registers, {
    name: duration,
    help: "Time from a request's arrival to its response, by operationId, route template and method.",
    type: "histogram",
    values: () => all().flatMap(({ latency }) => latency.values(duration)),
    reset: () => all().forEach(({ latency }) => latency.reset()),
  });
  let inFlight = 0;
  new Gauge({
    name: `${prefix}requests_in_flight`,
    help: "Requests received and not answered yet.",
    registers,
    collect() {
      this.set(inFlight);
    },
  });
  /** What is counted of a response's operation and method, made at its first response. */
  const countedOf = (operation: string, route: string, method: string): Counted => {
    let byMethod = counted.get(operation);
    if (!byMethod) counted.set(operation, (byMethod = new Map()));
    let found = byMethod.get(method);
    if (!found) {
      found = { latency: new Series({ operation, route, method }, latencyBuckets), statuses: new Map() };
      byMethod.set(method, found);
    }
    return found;
  };
  const done = () => inFlight--;
  return {
    registry: registers[0]!,
    record({ operationId = noOperation, route = noOperation, method, status, ms }: RequestRecord) {
      const { latency, statuses } = countedOf(operationId, route, knownMethods.has(method) ? method : "other");
      latency.observe(ms / 1000);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    },
    countInFlight(listener) {
      return ((req: IncomingMessage, res: ServerResponse, ...rest: never[]) => {
        inFlight++;
        res.on("close", done); // answered, or the client went away: either way no longer in flight
        return listener(req, res, ...rest);
      }) as typeof listener;
    },
  };
}
