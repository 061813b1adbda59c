// What the scripts that play Khoros share: where the CRM is, which key to send, and failing in one line.
import { readKeptKey } from "../../reference-crm/api-key.js";

/** The CRM's instanceUrl: CRM_URL, or the reference CRM's default. */
export const crmUrl = () => process.env.CRM_URL ?? "http://127.0.0.1:3000";

/** API_KEY, or the key `npm start` keeps with its data; exits with one line when there is neither. */
export function keyToPlayWith(): string {
  const key = process.env.API_KEY ?? readKeptKey(process.env.DATA_DIR ?? "data");
  if (key) return key;
  console.error("Set API_KEY to a key the CRM accepts (npm start makes one and keeps it in data/api-key).");
  process.exit(2);
}

/** The value of `run`, or, when it throws, one line on stderr saying what is wrong, and exit code 2. */
export function oneLine<T>(run: () => T, say: (error: Error) => string): T {
  try {
    return run();
  } catch (error) {
    console.error(say(error as Error));
    process.exit(2);
  }
}
