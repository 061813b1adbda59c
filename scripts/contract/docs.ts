// `npm run docs`: the reference docs as one self-contained HTML page (Redoc, through Redocly CLI).
// Usage: tsx scripts/docs.ts [output]   (default docs/index.html)
import { execFile } from "node:child_process";
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { bundledSpecPath, projectRoot } from "../shared/paths.js";
import { packageBin } from "../shared/package-bin.js";

export const defaultDocsPath = join(projectRoot, "docs/index.html");

/**
 * Redoc 3 renders a tag's operations only while the page's address is that tag's (`#/customers`, or one
 * of its operations): every other tag is a summary with a "+ Show" button, so one tag at most is open.
 * No option changes that (Redoc 3.0.1's options, `openapi:` in redocly.yaml or `--openapi.*`, have none,
 * and the template cannot reach inside the bundle). So the copy of Redoc embedded in the page is changed
 * in the three places that compare a tag with the address, to treat every tag as open. Each must match
 * exactly once: a Redoc upgrade that moves them fails the build here, not silently in the page.
 *
 * The page is first rendered at build time (by the CLI's own Redoc, unchanged), then taken over in the
 * browser by the embedded one. The operations are added once it has taken over: its first render still
 * matches the built HTML, which React then keeps (else it renders the page anew, and the Servers panel
 * shows the `{instanceUrl}` server resolved against the page's own address).
 */
const everyTagOpen: { what: string; find: RegExp; replace: string }[] = [
  {
    what: "an operation is rendered only while the address is in its tag",
    find: /function ([\w$]+)\(e,t\)\{return t\?t===e\|\|t\.startsWith\(e\+`\/`\):!1\}/g,
    replace: "function $1(){return!0}",
  },
  {
    what: "a tag's operations are rendered only while the address is the tag or one of them",
    find: /(r=([\w$]+)\|\|t===-1;return\(0,[\w$]+\.jsx\)\([\w$]+,\{[^}]*shouldRenderOps:[^}]*e\.children\.length>0&&)(e\.content\.contentType!==[\w$]+\.GROUP)/g,
    replace: "$1($2||$3)",
  },
  {
    what: 'a tag\'s section looks open (no "+ Show") only while the address is in the tag',
    find: /function ([\w$]+)\(e,t\)\{let n=([\w$]+)\(([\w$]+)\(t\)\),r=\3\(e\);return\[r,\2\(r\)\]\.some\(e=>n===e\|\|n\.endsWith\(e\)\|\|n\.includes\(e\+`\/`\)\)\}/g,
    replace: "function $1(){return!0}",
  },
];

/** The page with every tag's operations shown (see `everyTagOpen`). */
export function openEveryTag(html: string): string {
  return everyTagOpen.reduce((page, { what, find, replace }) => {
    const found = page.match(find)?.length ?? 0;
    if (found !== 1) {
      throw new Error(
        `Cannot open every tag in the docs: Redoc's bundle has changed (${what}: ${found} matches, not 1). Revisit everyTagOpen in scripts/contract/docs.ts.`,
      );
    }
    return page.replace(find, replace);
  }, html);
}

/**
 * Renders the bundled spec (what the mock serves, the custom fields' input forms filled in) into one HTML
 * page that loads nothing from another origin (see the template).
 */
export async function buildDocs(output = defaultDocsPath, spec = bundledSpecPath): Promise<void> {
  // Written aside, then renamed: a server reading the page never sees it half-written.
  const partial = `${output}.${process.pid}.partial`;
  const args = [
    "build-docs",
    spec,
    "--output",
    partial,
    "--inlineBundle",
    "--template",
    join(projectRoot, "scripts/contract/docs-template.hbs"),
  ];
  try {
    await promisify(execFile)(process.execPath, [packageBin("@redocly/cli", "redocly"), ...args], {
      cwd: projectRoot, // where redocly.yaml is
      env: { ...process.env, REDOCLY_TELEMETRY: "off" }, // also keeps Redoc's telemetry out of the page
    });
    writeFileSync(partial, openEveryTag(readFileSync(partial, "utf8")));
    renameSync(partial, output);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const output = resolve(process.argv[2] ?? defaultDocsPath);
  await buildDocs(output);
  console.log(`docs written to ${output}`);
}
