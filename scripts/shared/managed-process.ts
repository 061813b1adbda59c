// Start a long-running child process (Prism, a server under test), wait until it says it is ready, and
// stop it with everything it spawned: the child leads its own process group, and stop() signals the group.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { once } from "node:events";
import { createServer } from "node:net";

export interface ManagedProcess {
  /** The child's pid, which is also its process-group id. */
  readonly pid: number;
  /** The most recent output lines (stdout and stderr), for error messages. */
  recentOutput(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** SIGTERM to the whole group, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Ready once a line of output matches this. */
  ready: RegExp;
  /** Give up (and stop the process) if it is not ready within this time. */
  timeoutMs?: number;
  /** Writes its stdout to this file, as a production server's log goes (read back for readiness and output). */
  stdoutFile?: string;
}

const ansiEscapes = /\u001b\[[0-9;]*m/g;
/** How much of the most recent output is kept, for error messages and tests (some hundred lines). */
const keptChars = 16 * 1024;

/** Asks the OS for a free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (address === null || typeof address === "string") throw new Error("Could not get a free port.");
  return address.port;
}

/** True when something already listens on the port (so a server started on it would fail). */
export async function portInUse(port: number, host = "127.0.0.1"): Promise<boolean> {
  const probe = createServer();
  probe.listen(port, host);
  const [outcome] = await Promise.race([once(probe, "listening").then(() => ["free"]), once(probe, "error")]);
  if (outcome === "free") {
    await new Promise((resolve) => probe.close(resolve));
    return false;
  }
  return (outcome as NodeJS.ErrnoException).code === "EADDRINUSE";
}

/** The end of a file (some hundred lines at most); empty when there is no such file. */
function fileTail(file: string | undefined): string {
  if (file === undefined) return "";
  let fd: number | undefined;
  try {
    fd = openSync(file, "r");
    const length = Math.min(fstatSync(fd).size, keptChars);
    const bytes = Buffer.alloc(length);
    readSync(fd, bytes, 0, length, fstatSync(fd).size - length);
    return bytes.toString("utf8");
  } catch {
    return "";
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // The group is already gone.
  }
}

/** A child's output as it comes: its tail kept, and split into lines for `onLine` while one is set. */
interface Output {
  tail: string;
  /** The tail was cut, so its first line is a piece of one. */
  cut: boolean;
  onLine?: (line: string) => void;
}

// Output is read for as long as the process lives (a full pipe would block the child), but only its tail
// is kept, and it is split into lines only until the process is ready: a server that logs every request
// under load costs this process (which may be the load generator's) next to nothing.
function readOutput(child: ChildProcess): Output {
  const output: Output = { tail: "", cut: false };
  for (const stream of [child.stdout, child.stderr].filter((s) => s !== null)) {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      output.tail += chunk;
      if (output.tail.length > keptChars) [output.tail, output.cut] = [output.tail.slice(-keptChars), true];
      if (!output.onLine) return;
      const parts = (partial + chunk).split("\n");
      partial = parts.pop() ?? "";
      for (const line of parts) output.onLine?.(line.replace(ansiEscapes, ""));
    });
  }
  return output;
}

/** Resolves once a line of its output matches `options.ready`; rejects if it exits or times out first. */
function readiness(options: StartOptions, output: Output, exited: Promise<number | string>): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after ${timeoutMs} ms`)), timeoutMs);
    // Its stdout in a file: looked at every 50 ms until it is ready.
    const poll =
      options.stdoutFile &&
      setInterval(
        () =>
          fileTail(options.stdoutFile)
            .split("\n")
            .forEach((line) => output.onLine?.(line)),
        50,
      );
    output.onLine = (line) => {
      if (options.ready.test(line)) {
        clearTimeout(timer);
        if (poll) clearInterval(poll);
        output.onLine = undefined;
        resolve();
      }
    };
    void exited.then((code) => {
      if (poll) clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before it was ready`));
    });
  });
}

/** The children still running: if this process ends without stopping them, they are taken down with it (one
 * listener for all of them: a bench starts more than Node's ten before it warns). */
const running = new Set<ChildProcess>();
process.once("exit", () => running.forEach((child) => signalGroup(child, "SIGKILL")));

export async function startProcess(options: StartOptions): Promise<ManagedProcess> {
  const stdoutFd = options.stdoutFile === undefined ? undefined : openSync(options.stdoutFile, "a");
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true, // its own process group, so stop() reaches its children too
    stdio: ["ignore", stdoutFd ?? "pipe", "pipe"],
  });
  if (stdoutFd !== undefined) closeSync(stdoutFd); // the child has its own copy
  const output = readOutput(child);
  const exited = new Promise<number | string>((resolve) =>
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown")),
  );
  running.add(child);
  void exited.then(() => running.delete(child));

  const managed: ManagedProcess = {
    pid: child.pid!,
    recentOutput: () => {
      const lines = `${fileTail(options.stdoutFile)}${output.tail}`.replace(ansiEscapes, "").split("\n");
      return (output.cut ? lines.slice(1) : lines).join("\n");
    },
    exited,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(child, "SIGTERM");
      const timer = setTimeout(() => signalGroup(child, "SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
      signalGroup(child, "SIGKILL"); // anything of the group that outlived its leader
    },
  };
  try {
    await readiness(options, output, exited);
  } catch (error) {
    await managed.stop();
    const what = [options.command, ...options.args].join(" ");
    throw new Error(`${what}: ${(error as Error).message}\n${managed.recentOutput()}`);
  }
  return managed;
}
