// The store's side of the reference CRM's metrics: how long each call of the CrmStore interface takes, by
// method, whatever the store (one wrapper, around every method, so a method added to the interface is
// measured too; counted as ../src/collected-metrics.ts says), and the PostgreSQL pool's use, read when scraped.
import { Gauge, type Registry } from "prom-client";
import { registerCollected, Series } from "../src/collected-metrics.js";
import type { CrmStore } from "./stores/store.js";

/** Store call buckets, in seconds: from 50 µs (SQLite reading one row) to 5 s (the pool's wait for a connection). */
const storeBuckets = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];

/** A store with a connection pool to show (PostgresCrmStore). */
interface Pooled {
  poolUse(): { total: number; idle: number; waiting: number };
}
const isPooled = (store: object): store is Pooled => typeof (store as Partial<Pooled>).poolUse === "function";

/** Gauges of the pool's connections (idle, in use) and of the queries waiting for one, collected on scrape. */
function poolGauges(store: Pooled, registers: Registry[], prefix: string): void {
  new Gauge({
    name: `${prefix}postgres_pool_connections`,
    help: "Connections the PostgreSQL pool holds, by state: idle or in_use (pg.Pool's idleCount; totalCount less it).",
    labelNames: ["state"],
    registers,
    collect() {
      const { total, idle } = store.poolUse();
      this.set({ state: "idle" }, idle);
      this.set({ state: "in_use" }, total - idle);
    },
  });
  new Gauge({
    name: `${prefix}postgres_pool_waiting`,
    help: "Queries waiting for a connection of the PostgreSQL pool (pg.Pool's waitingCount).",
    registers,
    collect() {
      this.set(store.poolUse().waiting);
    },
  });
}

/** A method of the store, each call timed into its series (made at the first); `this` is the store, for its fields. */
function timed(store: object, call: Function, seriesOf: () => Series) {
  let series: Series | undefined;
  return (...args: unknown[]) => {
    const started = performance.now();
    const observe = () => (series ??= seriesOf()).observe((performance.now() - started) / 1000);
    const result = call.apply(store, args);
    if (result instanceof Promise) result.then(observe, observe);
    else observe();
    return result;
  };
}

/**
 * `store`, each of its methods timed into `<prefix>store_query_duration_seconds{method}` of `registry`: one
 * wrapper for every store, and every method of its class, so one added to the interface is measured too.
 * Made once: an object whose own methods are the timed ones, and whose prototype is the store itself.
 */
export function measureStore<Store extends CrmStore>(store: Store, registry: Registry, prefix = "khoros_crm_"): Store {
  const name = `${prefix}store_query_duration_seconds`;
  const all: Series[] = [];
  registerCollected([registry], {
    name,
    help: "Time the store takes to answer a call, by its method (a query, or a few in one transaction).",
    type: "histogram",
    values: () => all.flatMap((series) => series.values(name)),
    reset: () => all.forEach((series) => series.reset()),
  });
  if (isPooled(store)) poolGauges(store, [registry], prefix);
  const measured = Object.create(store) as Store;
  const chain = (proto: object | null): object[] =>
    proto && proto !== Object.prototype ? [proto, ...chain(Object.getPrototypeOf(proto))] : [];
  for (const proto of chain(Object.getPrototypeOf(store))) {
    for (const [method, { value, get }] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
      if (method === "constructor" || Object.hasOwn(measured, method)) continue;
      if (typeof value === "function") {
        const seriesOf = () => all[all.push(new Series({ method }, storeBuckets)) - 1]!;
        Object.defineProperty(measured, method, { value: timed(store, value, seriesOf) });
      } else if (get) Object.defineProperty(measured, method, { get: () => get.call(store) }); // a getter, on the store
    }
  }
  return measured;
}
