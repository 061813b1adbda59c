import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** Absolute path of an installed package's command, to run with `node` directly (no npx wrapper process). */
export function packageBin(pkg: string, command: string): string {
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const { bin } = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin: Record<string, string> };
  const relative = bin[command];
  if (!relative) throw new Error(`${pkg} has no command named ${command}.`);
  return join(dirname(manifestPath), relative);
}
