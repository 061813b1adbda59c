// `npm run docs`: the reference docs as one self-contained HTML page (Redoc, through Redocly CLI).
// Usage: tsx scripts/docs.ts [output]   (default docs/index.html)
import { execFile } from "node:child_process";
import { renameSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { projectRoot, specPath } from "../shared/paths.js";
import { packageBin } from "../shared/package-bin.js";

export const defaultDocsPath = join(projectRoot, "docs/index.html");

/** Renders the spec into one HTML page that loads nothing from another origin (see the template). */
export async function buildDocs(output = defaultDocsPath, spec = specPath): Promise<void> {
  // Written aside, then renamed: a server reading the page never sees it half-written.
  const partial = `${output}.${process.pid}.partial`;
  const args = ["build-docs", spec, "--output", partial, "--inlineBundle", "--template", join(projectRoot, "scripts/contract/docs-template.hbs")];
  await promisify(execFile)(process.execPath, [packageBin("@redocly/cli", "redocly"), ...args], {
    cwd: projectRoot, // where redocly.yaml is
    env: { ...process.env, REDOCLY_TELEMETRY: "off" }, // also keeps Redoc's telemetry out of the page
  });
  renameSync(partial, output);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const output = resolve(process.argv[2] ?? defaultDocsPath);
  await buildDocs(output);
  console.log(`docs written to ${output}`);
}
