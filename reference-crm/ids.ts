// Record ids: a prefix and 32 hex digits, the creation time in milliseconds (12) then 80 random bits
// (20), like a UUIDv7. Not guessable (the random part), never a counter; and ids made one after another
// sort in the order they were made, so "newest first" is "highest id first", and a database appends them
// instead of rewriting pages all over its index.
import { randomUUID } from "node:crypto";

const two40 = 2 ** 40;
/** The 80 random bits as two 40-bit halves (exact in a double), from Node's buffered pool of UUIDs: cheap. */
function randomHalves(): [high: number, low: number] {
  const uuid = randomUUID(); // 8-4-4-4-12 hex digits: the first 8 and the last 12 are random
  return [parseInt(uuid.slice(0, 8) + uuid.slice(24, 26), 16), parseInt(uuid.slice(26), 16)];
}

let last = { time: 0, high: 0, low: 0 };

/** A new id such as `cus_0192f3a1c2d47e8a9b3c4d5e6f708192`, after every id this process made before. */
export function newId(prefix: string): string {
  let time = Math.max(Date.now(), last.time); // a clock stepping back does not reorder ids
  let [high, low] = randomHalves();
  if (time === last.time) {
    // In the same millisecond, step forward by a random amount (1 to 2^40): still in order, still unguessable.
    [high, low] = [last.high, last.low + 1 + low];
    if (low >= two40) [high, low] = [high + 1, low - two40];
    if (high >= two40) [time, [high, low]] = [time + 1, randomHalves()];
  }
  last = { time, high, low };
  return `${prefix}_${time.toString(16).padStart(12, "0")}${high.toString(16).padStart(10, "0")}${low.toString(16).padStart(10, "0")}`;
}
