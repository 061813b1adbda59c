import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** Absolute path of an installed package's command, to run with `node` directly (no npx wrapper process). */
export function packageBin(pkg: string, command: string): string {
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const { name, bin } = JSON.parse(readFileSync(manifestPath, "utf8")) as {
    name: string;
    bin: string | Record<string, string>;
  };
  // A string `bin` is one command named after the package (without its scope), as npm installs it.
  const relative =
    typeof bin === "string" ? (name.replace(/^@[^/]+\//, "") === command ? bin : undefined) : bin[command];
  if (!relative) throw new Error(`${pkg} has no command named ${command}.`);
  return join(dirname(manifestPath), relative);
}
