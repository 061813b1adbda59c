// Where `npm run failures` and `npm run replay` find Khoros's failure events: the store `npm start` keeps them
// in (the same STORE, DATA_DIR and DATABASE_URL), or, for replay, a file holding one event as Khoros posts it.
import { existsSync, readFileSync } from "node:fs";
import type { StoredFailureEvent } from "../../reference-crm/events/event.js";
import { parseEvent } from "../../reference-crm/events/event.js";
import { maskEvent } from "../../reference-crm/events/mask.js";
import { openStore } from "../../reference-crm/stores/registry.js";
import type { CrmStore } from "../../reference-crm/stores/store.js";

/** What stops a command before it diagnoses anything (exit code 2), said in one line. */
export class CannotRead extends Error {}

/** Runs `work` on the store `npm start` uses, and closes it. */
export async function withStore<T>(work: (store: CrmStore, where: string) => Promise<T>): Promise<T> {
  if (process.env.STORE === "memory")
    throw new CannotRead("STORE=memory keeps the events in the server's memory, out of reach of this command.");
  const { store, where } = await openStore().catch((error: Error) => {
    throw new CannotRead(`Cannot open the store: ${error.message.split("\n")[0]}`);
  });
  try {
    return await work(store, where);
  } finally {
    await store.close();
  }
}

/** An event from a file (as Khoros posts it, in either envelope), its secrets masked as the receiver does. */
function eventFromFile(file: string): StoredFailureEvent {
  let parsed;
  try {
    parsed = parseEvent(JSON.parse(readFileSync(file, "utf8")));
  } catch (error) {
    throw new CannotRead(`Cannot read ${file}: ${(error as Error).message}`);
  }
  if (parsed.kind === "invalid") throw new CannotRead(`${file} is no event: ${parsed.message}`);
  if (parsed.kind === "other") throw new CannotRead(`${file} is a ${parsed.eventName} event, not error-custom-crm.`);
  return { receivedAt: new Date().toISOString(), event: maskEvent(parsed.event) };
}

/** The event a command names: a file when one is there (or the name ends in .json), else a trackingId. */
export async function loadEvent(name: string): Promise<StoredFailureEvent> {
  if (name.endsWith(".json") || existsSync(name)) return eventFromFile(name);
  return withStore(async (store, where) => {
    const stored = await store.getFailureEvent(name);
    if (!stored) throw new CannotRead(`No failure event has the trackingId ${name} (the store: ${where}).`);
    return stored;
  });
}

/** When Khoros says the call failed (its Java date read where it can be), else when the event arrived. */
export function whenOf({ event, receivedAt }: StoredFailureEvent): string {
  const parsed = event.createdDate === undefined ? Number.NaN : Date.parse(event.createdDate);
  const iso = Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z` : (event.createdDate ?? receivedAt);
}
