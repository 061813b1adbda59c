// One line per request on stdout, so an integrator sees Khoros call. The lines are pino's JSON lines, with the
// field names log pipelines know from pino-http (`level`, `time`, `pid`, `req.id`, `req.method`, `req.url`,
// `res.statusCode`, `responseTime`), plus the operation and the agent (x-sf-user-email); never a key, a body
// or the query. A line is made from a template rather than by pino itself: measured in the server under load
// (stdout on a file), pino's generic serialiser cost about 8 µs a line against 2 for the template (see
// guide/performance.md). Lines are written together, every 100 ms or 64 KiB (a write per line, even
// one per turn of the event loop, costs the server more than the line), through sonic-boom (pino's own
// destination, which handles a full pipe); what waits is written when the server stops. On a terminal, pino-pretty (a
// development dependency) shows them readably, when installed.
import { createRequire } from "node:module";
import sonicBoom from "sonic-boom";
import type { RequestRecord } from "../generated/server.js";

export interface RequestLog {
  (record: RequestRecord): void;
  /** Writes out what is still waiting: call it before the process exits. */
  flush(): void;
}

/** Where the lines go: a writer of text, written at once (sync), or turned into readable text first. */
export interface LineSink {
  write(text: string): void;
  flushSync?(): void;
}

/** The JSON line of a request, as pino and pino-http would write it; text from the request is escaped. */
export function requestLine(record: RequestRecord, time = Date.now()): string {
  const agent = record.header("x-sf-user-email");
  const operation = record.operationId ? `,"operationId":${JSON.stringify(record.operationId)}` : "";
  return (
    `{"level":30,"time":${time},"pid":${process.pid},` +
    `"req":{"id":${JSON.stringify(record.requestId)},"method":${JSON.stringify(record.method)},` +
    `"url":${JSON.stringify(record.path)}},"res":{"statusCode":${record.status}},` +
    `"responseTime":${Math.round(record.ms * 10) / 10}` +
    `${operation}${agent ? `,"agent":${JSON.stringify(agent)}` : ""}}\n`
  );
}

/** pino-pretty, on a terminal, when it is installed (a development dependency: absent from a production install). */
function prettySink(): LineSink | undefined {
  if (!process.stdout.isTTY) return undefined;
  try {
    const { prettyFactory } = createRequire(import.meta.url)("pino-pretty") as typeof import("pino-pretty");
    const pretty = prettyFactory({ ignore: "pid,hostname", singleLine: true, colorize: true });
    return {
      write: (text) =>
        process.stdout.write(
          text
            .split("\n")
            .filter(Boolean)
            .map((line) => pretty(line))
            .join(""),
        ),
    };
  } catch {
    return undefined;
  }
}

// sonic-boom is CommonJS: its class is the module itself (its type declares it as a named export too).
const SonicBoom = sonicBoom as unknown as typeof import("sonic-boom").SonicBoom;

/** Lines wait at most this long, or until this many bytes wait, before they are written together. */
const flushAfterMs = 100;
const flushAtBytes = 64 * 1024;

export function createRequestLog(sink: LineSink = prettySink() ?? new SonicBoom({ fd: 1, sync: true })): RequestLog {
  let waiting: string[] = [];
  let bytes = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (waiting.length === 0) return;
    const text = waiting.join("");
    [waiting, bytes] = [[], 0];
    sink.write(text);
  };
  const log = ((record: RequestRecord) => {
    const line = requestLine(record);
    waiting.push(line);
    bytes += line.length;
    if (bytes >= flushAtBytes) flush();
    else timer ??= setTimeout(flush, flushAfterMs).unref();
  }) as RequestLog;
  log.flush = () => {
    flush();
    sink.flushSync?.();
  };
  return log;
}
