// The stores the conformance suite (test/store-conformance*.test.ts) runs against: in memory, SQLite, and
// PostgreSQL when there is a server (see ./postgres.ts), each with how to open one and remove what it made;
// and the interactions and failure events the suite stores.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FailureEvent, parseEvent } from "../../reference-crm/events/event.js";
import { PostgresCrmStore } from "../../reference-crm/stores/postgres.js";
import { SqliteCrmStore } from "../../reference-crm/stores/sqlite.js";
import { MemoryCrmStore } from "../../reference-crm/stores/memory.js";
import type { CrmStore, SentInteraction } from "../../reference-crm/stores/store.js";
import { afterEach, beforeEach } from "vitest";
import { createScratchDatabase, postgresAvailable, type ScratchDatabase } from "./postgres.js";

export interface StoreUnderTest {
  name: string;
  open(): Promise<CrmStore>;
  /** Removes what open() made. */
  cleanUp(): Promise<void>;
}

/** In a suite of one store under test: a store opened for each test (given to `use`), closed and removed after. */
export function openForEachTest({ open, cleanUp }: StoreUnderTest, use: (store: CrmStore) => void): void {
  let store: CrmStore;
  beforeEach(async () => use((store = await open())));
  afterEach(async () => {
    await store.close();
    await cleanUp();
  });
}

let scratch: string | undefined;
let scratchDatabase: ScratchDatabase | undefined;
export const storesUnderTest: StoreUnderTest[] = [
  { name: "memory", open: async () => new MemoryCrmStore(), cleanUp: async () => {} },
  {
    name: "SQLite",
    open: async () => SqliteCrmStore.open((scratch = mkdtempSync(join(tmpdir(), "crm-store-")))),
    cleanUp: async () => rmSync(scratch!, { recursive: true, force: true }),
  },
  ...(postgresAvailable
    ? [
        {
          name: "PostgreSQL",
          open: async () => PostgresCrmStore.open((scratchDatabase = await createScratchDatabase()).config),
          cleanUp: () => scratchDatabase!.drop(),
        },
      ]
    : []),
];

// Every third one as Khoros may send it since 2.2.0: no linkUrl, a date as Java writes it, and properties the
// spec does not list (on the interaction and on its author), all of which are kept.
export const interaction = (n: number): SentInteraction => ({
  created: n % 3 ? `2026-11-27T09:1${n}:00Z` : "Thu Sep 13 09:14:00 UTC 2018",
  body: `message ${n} ✓`,
  ...(n % 3
    ? { linkUrl: `https://social.example/${n}` }
    : { sentiment: { score: -0.4, label: "négatif" }, tags: ["a", 1, true] }),
  serviceId: String(n),
  service: "facebook",
  contentType: n % 2 ? "post" : "comment",
  ...(n % 2
    ? {
        author: {
          service: "facebook",
          serviceId: "9",
          handle: "jane",
          name: "Jane",
          brandOwned: false,
          ...(n % 3 ? {} : { followers: 12 }),
        },
      }
    : {}),
});

/** A failure event of the fixtures, under another trackingId. */
export function failureEvent(fixture: string, trackingId: string): FailureEvent {
  const parsed = parseEvent(JSON.parse(readFileSync(join(import.meta.dirname, "../fixtures/events", fixture), "utf8")));
  if (parsed.kind !== "failure") throw new Error(`${fixture} is no failure event`);
  return { ...parsed.event, trackingId };
}
