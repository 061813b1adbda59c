import type { SqliteCrmStore } from "../../reference-crm/stores/sqlite.js";

/**
 * The stored row count once it stops changing (sampled every 200 ms): after a timed load run, requests
 * still in flight land after the load generator has stopped counting.
 */
export async function settledCount(store: SqliteCrmStore): Promise<number> {
  for (let previous = -1; ; ) {
    const now = store.count();
    if (now === previous) return now;
    previous = now;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
