// The API-key check: which configured key (by name) a presented value is, in constant time.
import { hash, timingSafeEqual } from "node:crypto";

const sha256 = (value: string) => hash("sha256", value, "buffer");

/**
 * A function from the presented value to the name of the configured key it matches. Keys are compared as
 * SHA-256 digests (equal lengths, whatever was sent), each against every configured key with no early
 * exit, in constant time: how long it takes tells nothing about how close a guess was.
 */
export function createKeyChecker(
  apiKeys: Readonly<Record<string, string>>,
  equal: (a: Buffer, b: Buffer) => boolean = timingSafeEqual,
): (presented: string | string[] | undefined) => string | undefined {
  const keys = Object.entries(apiKeys).map(([id, key]) => {
    if (typeof key !== "string" || key === "") throw new Error(`API key ${id} is empty.`);
    return { id, digest: sha256(key) };
  });
  if (keys.length === 0) throw new Error("At least one API key is needed.");
  return (presented) => {
    if (typeof presented !== "string" || presented === "") return undefined;
    const digest = sha256(presented);
    let found: string | undefined;
    for (const key of keys) if (equal(digest, key.digest) && found === undefined) found = key.id;
    return found;
  };
}
