// One of the project's servers (reference-crm/main.ts, the benchmark's servers) as a child process on a free
// port, for tests, the benchmark and the soak: TypeScript run with tsx, or compiled JavaScript (dist/) on
// node alone; ready once it prints "listening on <url>".
import { type ManagedProcess, startProcess } from "./managed-process.js";
import { projectRoot } from "./paths.js";
const readyLine = /listening on (http:\/\/\S+)/;

export interface StartedServer {
  process: ManagedProcess;
  /** The line it printed when ready. */
  line: string;
  url: string;
}

export interface ScriptOptions {
  /** Options for node itself, such as `--cpu-prof`. */
  nodeOptions?: string[];
  /** Where its stdout goes instead of a pipe (a file, as in production). */
  stdoutFile?: string;
}

/** Starts `script` (a path from the project's root, or from `root`) with these variables on top of PORT=0. */
export async function startServerScript(
  script: string,
  env: Record<string, string>,
  root = projectRoot,
  options: ScriptOptions = {},
): Promise<StartedServer> {
  const child = await startProcess({
    command: process.execPath,
    // Compiled JavaScript runs on node alone, as in production; TypeScript through tsx.
    args: [...(options.nodeOptions ?? []), ...(script.endsWith(".js") ? [] : ["--import", "tsx"]), script],
    cwd: root,
    env: { ...process.env, PORT: "0", ...env },
    ready: readyLine,
    stdoutFile: options.stdoutFile,
  });
  const line = child
    .recentOutput()
    .split("\n")
    .find((l) => readyLine.test(l))!;
  return { process: child, line, url: readyLine.exec(line)![1]! };
}
