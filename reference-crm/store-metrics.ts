// The store's side of the reference CRM's metrics: how long each call of the CrmStore interface takes, by
// method, whatever the store (measureMethods of khoros-crm-kit/metrics: every method, so one added to the
// interface is measured too), and the PostgreSQL pool's use, read when scraped.
import { Gauge, type Registry } from "prom-client";
import { measureMethods } from "../src/metrics.js";
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

/** `store`, each of its methods timed into `<prefix>store_query_duration_seconds{method}`; its pool's gauges. */
export function measureStore<Store extends CrmStore>(store: Store, registry: Registry, prefix = "khoros_crm_"): Store {
  if (isPooled(store)) poolGauges(store, [registry], prefix);
  return measureMethods(store, registry, {
    name: `${prefix}store_query_duration_seconds`,
    help: "Time the store takes to answer a call, by its method (a query, or a few in one transaction).",
    buckets: storeBuckets,
  });
}
