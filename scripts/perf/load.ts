// What the bench measures and how: a server under load (autocannon on loopback), its rate, p99 latency,
// statuses and the CPU time per request its processes (and PostgreSQL's) used.
import autocannon from "autocannon";
import { cpuSeconds } from "./cpu.js";

export const connections = 50;

/** A server under test. */
export interface Target {
  key: string;
  name: string;
  url: string;
  /** Its process group, whose CPU time is measured (none for Prism). */
  group?: number;
  stop(): Promise<void>;
}

/** One operation under load: the requests it sends, and the status that counts as success. */
export interface Scenario {
  name: string;
  status: number;
  targets: Target[];
  requests(): autocannon.Request[];
}

export interface Run {
  rps: number;
  p99: number;
  /** Answers with the scenario's success status. */
  succeeded: number;
  others: number;
  errors: number;
  /** CPU time per request, in µs, of the server's processes and of PostgreSQL's. */
  serverCpu?: number;
  postgresCpu?: number;
}

/** Loads the target for `duration` seconds, or with exactly `amount` requests (waiting for every answer). */
export async function load(target: Target, scenario: Scenario, duration: number, amount?: number): Promise<Run> {
  const before = target.group && cpuSeconds(target.group);
  const limit = amount ? { amount } : { duration };
  const result = await autocannon({ url: target.url, requests: scenario.requests(), connections, ...limit });
  const after = target.group && cpuSeconds(target.group);
  const succeeded = result.statusCodeStats?.[`${scenario.status}` as `${number}`]?.count ?? 0;
  const perRequest = (seconds: number) => (seconds * 1e6) / result.requests.total;
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    succeeded,
    others: result.requests.total - succeeded,
    errors: result.errors,
    ...(before &&
      after && {
        serverCpu: perRequest(after.server - before.server),
        postgresCpu: perRequest(after.postgres - before.postgres),
      }),
  };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
