// The store's side of the reference CRM's metrics: how long each call of the CrmStore interface takes, by
// method, whatever the store (one wrapper, around every method, so a method added to the interface is
// measured too), and the PostgreSQL pool's use, read when scraped.
import { Gauge, Histogram, type Registry } from "prom-client";
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

/** `store`, each call timed into `<prefix>store_query_duration_seconds{method}` of `registry`. */
export function measureStore<Store extends CrmStore>(store: Store, registry: Registry, prefix = "khoros_crm_"): Store {
  const registers = [registry];
  const duration = new Histogram({
    name: `${prefix}store_query_duration_seconds`,
    help: "Time the store takes to answer a call, by its method (a query, or a few in one transaction).",
    labelNames: ["method"],
    buckets: storeBuckets,
    registers,
  });
  if (isPooled(store)) poolGauges(store, registers, prefix);
  const timed = new Map<PropertyKey, (...args: unknown[]) => unknown>();
  const timer = (method: string, call: (...args: unknown[]) => unknown) => (...args: unknown[]) => {
    const started = performance.now();
    const observe = () => duration.observe({ method }, (performance.now() - started) / 1000);
    const result = call.apply(store, args); // on the store itself: its private fields are its own
    if (result instanceof Promise) result.then(observe, observe);
    else observe();
    return result;
  };
  return new Proxy(store, {
    get(target, name) {
      const value: unknown = Reflect.get(target, name, target);
      if (typeof value !== "function" || typeof name !== "string") return value;
      let wrapped = timed.get(name);
      if (!wrapped) timed.set(name, (wrapped = timer(name, value as (...args: unknown[]) => unknown)));
      return wrapped;
    },
  });
}
