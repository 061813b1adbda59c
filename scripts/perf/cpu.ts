// Where a benchmark's time goes: the CPU time a server's processes (its process group, workers included)
// and PostgreSQL's processes have used, read from /proc. Linux only: elsewhere there is no figure.
import { readdirSync, readFileSync } from "node:fs";

const ticksPerSecond = 100; // USER_HZ, 100 on every Linux the bench runs on

export interface CpuSeconds {
  /** The processes of the server's group. */
  server: number;
  /** Every process named `postgres` (the server and its backends, one per connection). */
  postgres: number;
}

/** CPU seconds used so far by the live processes of `group`, and by PostgreSQL's. */
export function cpuSeconds(group: number): CpuSeconds | undefined {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const used: CpuSeconds = { server: 0, postgres: 0 };
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      continue; // ended meanwhile
    }
    // pid (comm) state ppid pgrp … utime stime: comm may hold spaces, so the fields are counted after ")".
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const seconds = (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
    if (Number(fields[2]) === group) used.server += seconds;
    else if (name === "postgres") used.postgres += seconds;
  }
  return used;
}
