// Each call of an object's methods timed into one histogram, by method: for a store (the reference CRM's
// CrmStore) or any other object a server calls. One wrapper around every method of its class chain, so a
// method added later is measured too; counted as collected-metrics.ts says, read by prom-client when scraped.
import type { Registry } from "prom-client";
import { registerCollected, Series } from "./collected-metrics.js";

/** A method of `target`, each call timed into its series (made at the first); `this` is the target, for its fields. */
function timed(target: object, call: Function, seriesOf: () => Series) {
  let series: Series | undefined;
  return (...args: unknown[]) => {
    const started = performance.now();
    const observe = () => (series ??= seriesOf()).observe((performance.now() - started) / 1000);
    const result = call.apply(target, args);
    if (result instanceof Promise) result.then(observe, observe);
    else observe();
    return result;
  };
}

/** What to call the histogram, and its buckets in seconds. */
export interface MethodHistogram {
  name: string;
  help: string;
  buckets: readonly number[];
}

/**
 * `target`, each of its methods timed into the histogram `name{method}` of `registry`. Made once: an object
 * whose own methods are the timed ones, and whose prototype is `target` itself (its getters read it).
 */
export function measureMethods<Target extends object>(
  target: Target,
  registry: Registry,
  { name, help, buckets }: MethodHistogram,
): Target {
  const all: Series[] = [];
  registerCollected([registry], {
    name,
    help,
    type: "histogram",
    values: () => all.flatMap((series) => series.values(name)),
    reset: () => all.forEach((series) => series.reset()),
  });
  const measured = Object.create(target) as Target;
  const chain = (proto: object | null): object[] =>
    proto && proto !== Object.prototype ? [proto, ...chain(Object.getPrototypeOf(proto))] : [];
  for (const proto of chain(Object.getPrototypeOf(target))) {
    for (const [method, { value, get }] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
      if (method === "constructor" || Object.hasOwn(measured, method)) continue;
      if (typeof value === "function") {
        const seriesOf = () => all[all.push(new Series({ method }, buckets)) - 1]!;
        Object.defineProperty(measured, method, { value: timed(target, value, seriesOf) });
      } else if (get) Object.defineProperty(measured, method, { get: () => get.call(target) });
    }
  }
  return measured;
}
