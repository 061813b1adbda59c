// `npm start` (scripts/start.ts) as a child process, the way a user runs it, on a free port.
import { projectRoot } from "../../scripts/generate.js";
import { type ManagedProcess, startProcess } from "../../scripts/managed-process.js";

const readyLine = /createCustomer server listening on (http:\/\/\S+)/;

export interface StartedCrm {
  process: ManagedProcess;
  /** The line it printed when ready. */
  line: string;
  url: string;
}

/** Starts the reference CRM with these environment variables (on top of PORT=0) and waits until it is ready. */
export async function startCrmProcess(env: Record<string, string>): Promise<StartedCrm> {
  const child = await startProcess({
    command: process.execPath,
    args: ["--import", "tsx", "scripts/start.ts"],
    cwd: projectRoot,
    env: { ...process.env, PORT: "0", ...env },
    ready: readyLine,
  });
  const line = child.recentOutput().split("\n").find((l) => readyLine.test(l))!;
  return { process: child, line, url: readyLine.exec(line)![1]! };
}
