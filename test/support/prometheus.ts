// Reads Prometheus' text format back, as a scrape holds it, for tests: one sample per line, its labels
// unescaped (a test asks for the samples of a metric with some labels, and sums their values).
import { vi } from "vitest";
import type { StartedServer } from "../../scripts/shared/server-script.js";

/** Where the reference CRM serves its metrics, once it has said so (the line after the one it is ready with). */
export const metricsUrlOf = (server: StartedServer) =>
  vi.waitFor(() => /metrics at (http:\S+)/.exec(server.process.recentOutput())![1]!, { timeout: 5000, interval: 20 });
/** The reference CRM's request counter, and its latency histogram's buckets. */
export const requestsTotal = "khoros_crm_requests_total";
export const latencyBucket = "khoros_crm_request_duration_seconds_bucket";

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const sampleLine = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/;
const labelPair = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g;

export function parseSamples(text: string): Sample[] {
  return text.split("\n").flatMap((line) => {
    const match = sampleLine.exec(line);
    if (!match) return [];
    const pairs = [...(match[2] ?? "").matchAll(labelPair)].map(([, name, value]) => [name!, JSON.parse(`"${value}"`)]);
    const labels = Object.fromEntries(pairs);
    return [{ name: match[1]!, labels, value: Number(match[3]) }];
  });
}

/** The sum of the values of `name`'s samples whose labels include `labels`. */
export function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels);
  const matching = samples.filter((s) => s.name === name && wanted.every(([key, value]) => s.labels[key] === value));
  return matching.reduce((sum, s) => sum + s.value, 0);
}
