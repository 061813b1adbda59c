// Metrics counted on the request path with a few arithmetic operations, and handed to prom-client's registry
// when it is scraped: it formats them, and its AggregatorRegistry sums them across node:cluster workers, as
// it does its own. Why not prom-client's Counter and Histogram there: each of their calls hashes its label
// set into a string and checks it (measured in the reference CRM under load, about 1 µs a call, cold,
// which on a request of some 40 µs of CPU made the metrics cost over 10 %). Here a caller keeps the Series
// of each label set it meets, and counts on it directly.
import type { Counter, Registry } from "prom-client";

type Labels = Readonly<Record<string, string | number>>;

/** One value of a metric as prom-client's registry reads it (`metricName` for a histogram's parts). */
export interface MetricValue {
  labels: Labels;
  value: number;
  metricName?: string;
}

/** One label set of a histogram: a count per bucket (a value in the first whose bound it does not pass), the sum. */
export class Series {
  readonly counts: Float64Array;
  sum = 0;

  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1); // the last: past every bound
  }

  observe(value: number): void {
    let bucket = 0;
    while (bucket < this.bounds.length && value > this.bounds[bucket]!) bucket++;
    this.counts[bucket]!++;
    this.sum += value;
  }

  /** Its lines of the histogram `name`, as Prometheus has them: cumulative buckets up to +Inf, the sum, the count. */
  values(name: string): MetricValue[] {
    let cumulative = 0;
    const les = [...this.bounds, "+Inf"];
    const metricName = `${name}_bucket`;
    const { labels, sum, counts } = this;
    const buckets = les.map((le, i) => ({ labels: { ...labels, le }, value: (cumulative += counts[i]!), metricName }));
    const total = { labels, value: cumulative, metricName: `${name}_count` };
    return [...buckets, { labels, value: sum, metricName: `${name}_sum` }, total];
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
  }
}

export interface CollectedMetric {
  name: string;
  help: string;
  type: "counter" | "histogram";
  /** Its values now, read when scraped. */
  values(): MetricValue[];
  /** Back to zero (prom-client's `registry.resetMetrics()`). */
  reset(): void;
}

/**
 * Registers `metric` in each registry: prom-client reads any object with `get()` (its own cluster aggregation
 * registers such objects); its type declarations name only its own classes, hence the cast.
 */
export function registerCollected(registers: readonly Registry[], metric: CollectedMetric): void {
  const { name, help, type } = metric;
  const aggregator = "sum"; // across workers
  const get = () => ({ name, help, type, aggregator, values: metric.values() });
  const registered = { name, help, type, aggregator, get, reset: metric.reset };
  for (const registry of registers) registry.registerMetric(registered as unknown as Counter);
}
