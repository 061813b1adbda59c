// The key the reference CRM accepts when API_KEY is not set: made once, at random, and kept with the data
// (DATA_DIR/api-key, readable by its owner only), so that the authHeaderValue registered in Khoros still
// works after a restart. Scripts that play Khoros read it from there too.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Where the kept key is. */
export const keyFile = (dataDir: string) => join(dataDir, "api-key");

/** The kept key, if there is one. */
export function readKeptKey(dataDir: string): string | undefined {
  const file = keyFile(dataDir);
  return existsSync(file) ? readFileSync(file, "utf8").trim() || undefined : undefined;
}

/** The kept key, made the first time. */
export function keptKey(dataDir: string): string {
  const kept = readKeptKey(dataDir);
  if (kept) return kept;
  mkdirSync(dataDir, { recursive: true });
  // Letters and digits only: a key that starts with "-" or holds "_" is awkward in a shell or a command's options.
  const key = randomBytes(24).toString("hex");
  writeFileSync(keyFile(dataDir), `${key}\n`, { mode: 0o600 });
  chmodSync(keyFile(dataDir), 0o600); // also when the file was there, empty
  return key;
}
