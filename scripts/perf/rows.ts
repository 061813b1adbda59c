/**
 * A store's row count once it stops changing (sampled every 200 ms): after a timed load run, requests
 * still in flight land after the load generator has stopped counting.
 */
export async function settledCount(count: () => number | Promise<number>): Promise<number> {
  for (let previous = -1; ;) {
    const now = await count();
    if (now === previous) return now;
    previous = now;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
