// `npm run dev` (scripts/contract/dev.ts) on a copy of spec/, for test/dev.test.ts: where the copy keeps its
// spec, generated/ and docs, and the dev process started on it with its mock on a free port.
import { cpSync } from "node:fs";
import { join } from "node:path";
import { projectRoot } from "../../scripts/shared/paths.js";
import { freePort, type ManagedProcess, startProcess } from "../../scripts/shared/managed-process.js";
import { packageBin } from "../../scripts/shared/package-bin.js";

/** Where the copy in `dir` keeps its spec, its generated code and its docs. */
export const paths = (dir: string) => ({
  spec: join(dir, "spec"),
  generated: join(dir, "generated"),
  docs: join(dir, "docs/index.html"),
});

/** Copies spec/ into `scratch` and starts `npm run dev` on the copy, once it watches; its mock on a free port. */
export async function startDevOnCopy(scratch: string): Promise<{ dev: ManagedProcess; mockUrl: string }> {
  cpSync(join(projectRoot, "spec"), paths(scratch).spec, { recursive: true });
  const port = await freePort();
  const { spec, generated, docs } = paths(scratch);
  const dev = await startProcess({
    command: process.execPath,
    args: [
      packageBin("tsx", "tsx"),
      join(projectRoot, "scripts/contract/dev.ts"),
      "--spec",
      spec,
      "--generated",
      generated,
      "--docs",
      docs,
      "--port",
      String(port),
    ],
    cwd: projectRoot,
    env: { ...process.env, REDOCLY_TELEMETRY: "off" },
    ready: /^dev: watching /,
    timeoutMs: 60_000,
  });
  return { dev, mockUrl: `http://127.0.0.1:${port}` };
}
