// Record ids: a prefix and 32 hex digits, the creation time in milliseconds (12) then 80 random bits
// (20), like a UUIDv7. Not guessable (the random part), never a counter; and ids made one after another
// sort in the order they were made, so "newest first" is "highest id first", and a database appends them
// instead of rewriting pages all over its index.
import { randomFillSync } from "node:crypto";

const two40 = 2 ** 40;
/** Random bytes drawn ahead, a few kilobytes at a time: one system call for hundreds of ids. */
const pool = Buffer.alloc(4000);
let drawn = pool.length;
/** 40 random bits, exact in a double. */
function random40(): number {
  if (drawn === pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  drawn += 5;
  return pool.readUIntBE(drawn - 5, 5);
}

let last = { time: 0, high: 0, low: 0 };
/** An id's 16 bytes (time 6, random 10), spelled in hex: much faster than Number#toString(16) beyond 2^31. */
const bytes = Buffer.alloc(16);

/** A new id such as `cus_0192f3a1c2d47e8a9b3c4d5e6f708192`, after every id this process made before. */
export function newId(prefix: string): string {
  let time = Math.max(Date.now(), last.time); // a clock stepping back does not reorder ids
  // The random part: 80 bits (two 40-bit halves); in the same millisecond as the last id, the last one's
  // plus a random step of 1 to 2^40: still in order, still unguessable.
  let [high, low] = time === last.time ? [last.high, last.low + 1 + random40()] : [random40(), random40()];
  if (low >= two40) [high, low] = [high + 1, low - two40];
  if (high >= two40) [time, high, low] = [time + 1, random40(), random40()];
  last = { time, high, low };
  bytes.writeUIntBE(time, 0, 6);
  bytes.writeUIntBE(high, 6, 5);
  bytes.writeUIntBE(low, 11, 5);
  return `${prefix}_${bytes.toString("hex")}`;
}
