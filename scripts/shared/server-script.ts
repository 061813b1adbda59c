// One of the project's servers (reference-crm/main.ts, the benchmark's servers) as a child process on a free
// port, for tests, the benchmark and the soak: run with tsx, ready once it prints "listening on <url>".
import { type ManagedProcess, startProcess } from "./managed-process.js";
import { projectRoot } from "./paths.js";
const readyLine = /listening on (http:\/\/\S+)/;

export interface StartedServer {
  process: ManagedProcess;
  /** The line it printed when ready. */
  line: string;
  url: string;
}

/** Starts `script` (a path from the project's root, or from `root`) with these variables on top of PORT=0. */
export async function startServerScript(script: string, env: Record<string, string>, root = projectRoot): Promise<StartedServer> {
  const child = await startProcess({
    command: process.execPath,
    args: ["--import", "tsx", script],
    cwd: root,
    env: { ...process.env, PORT: "0", ...env },
    ready: readyLine,
  });
  const line = child.recentOutput().split("\n").find((l) => readyLine.test(l))!;
  return { process: child, line, url: readyLine.exec(line)![1]! };
}
