// Khoros's error-custom-crm events for tests: the fixtures (test/fixtures/events/, written from the vendor's
// description), each in either envelope (the payload's fields at the top level, or under `payload`).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const fixturesDir = join(import.meta.dirname, "../fixtures/events");
export const fixtureNames = readdirSync(fixturesDir).filter((name) => name.endsWith(".json"));

type Json = Record<string, unknown>;

/** A fixture as written. */
export const fixture = (name: string): Json => JSON.parse(readFileSync(join(fixturesDir, name), "utf8")) as Json;

const envelope = ["companyId", "eventName", "createdDate"];

/** The event with its payload's fields at the top level. */
export function flat(event: Json): Json {
  const { payload, ...top } = event;
  return { ...top, ...(payload as Json | undefined) };
}

/** The event with its payload's fields under `payload`, the envelope's at the top level. */
export function nested(event: Json): Json {
  const all = flat(event);
  const payload = Object.fromEntries(Object.entries(all).filter(([name]) => !envelope.includes(name)));
  return { ...Object.fromEntries(envelope.map((name) => [name, all[name]])), payload };
}

/** The fixture's trackingId, in either shape. */
export const trackingIdOf = (event: Json) => String(flat(event).trackingId);
