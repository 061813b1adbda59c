// `npm run failures [-- --limit N]`: the latest error-custom-crm events Khoros sent the CRM, from the store
// `npm start` keeps them in (STORE, DATA_DIR, DATABASE_URL), newest first, one line each: when, Khoros's
// operation, the trackingId, the method and path called, the CRM's status, and who broke the contract.
// Exit code 0, or 2 when the store cannot be read.
import { parseArgs } from "node:util";
import type { StoredFailureEvent } from "../../reference-crm/events/event.js";
import { diagnose, summary } from "./diagnosis.js";
import { CannotRead, whenOf, withStore } from "./stored-events.js";

const usage = `Usage: failures [--limit N]

Lists the latest error-custom-crm events Khoros sent (newest first), each with a diagnosis.
  --limit N   how many (default 20)
Reads the store npm start uses: STORE, DATA_DIR, DATABASE_URL. npm run replay -- <trackingId> says more.`;

/** One event on one line. */
async function line(stored: StoredFailureEvent): Promise<string> {
  const { event } = stored;
  const diagnosis = await diagnose(event);
  const call = `${diagnosis.call.method} ${diagnosis.call.uriPath}`;
  const code = event.externalCall.responseCode ?? "no answer";
  return [whenOf(stored), event.operation ?? "-", event.trackingId, call, code, summary(diagnosis)].join(" · ");
}

function readArgs() {
  try {
    return parseArgs({ options: { limit: { type: "string" }, help: { type: "boolean", short: "h" } } });
  } catch (error) {
    throw new CannotRead(`${(error as Error).message}\n\n${usage}`);
  }
}

async function main(): Promise<void> {
  const { values: args } = readArgs();
  if (args.help) return console.log(usage);
  const limit = Number(args.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1)
    throw new CannotRead(`--limit takes a whole number from 1, not ${args.limit}.`);
  await withStore(async (store, where) => {
    const latest = await store.listFailureEvents(limit);
    if (latest.length === 0) console.log(`No error-custom-crm event received yet (the store: ${where}).`);
    for (const stored of latest) console.log(await line(stored));
  });
}

try {
  await main();
} catch (error) {
  if (!(error instanceof CannotRead)) throw error;
  console.error(error.message);
  process.exit(2);
}
