// One line per request on stdout, so an integrator sees Khoros call: method, path, status, duration,
// request id and the agent (x-sf-user-email). Plain on a terminal, one JSON object per line otherwise
// (for a log collector). Never a key, never a body, never the query. Lines written in the same turn of
// the event loop go out in one write: a line per request costs little even under load.
import type { AnswerRecord } from "../src/server-runtime.js";

export interface RequestLogLine {
  time: string;
  method: string;
  path: string;
  status: number;
  ms: number;
  requestId: string;
  agent?: string;
}

export function createRequestLog(out: NodeJS.WriteStream = process.stdout): (answer: AnswerRecord) => void {
  let pending: string[] = [];
  const flush = () => {
    out.write(pending.join(""));
    pending = [];
  };
  return ({ req, status, requestId, ms }) => {
    const agent = req.headers["x-sf-user-email"];
    const line: RequestLogLine = {
      time: new Date().toISOString(),
      method: req.method ?? "",
      path: (req.url ?? "").split("?")[0]!,
      status,
      ms: Math.round(ms * 10) / 10,
      requestId,
      ...(typeof agent === "string" && agent !== "" ? { agent } : {}),
    };
    if (pending.length === 0) setImmediate(flush);
    pending.push(
      out.isTTY
        ? `${line.time.slice(11, 19)} ${line.method} ${line.path} ${status} ${line.ms} ms ${requestId}${line.agent ? ` ${JSON.stringify(line.agent)}` : ""}\n`
        : `${JSON.stringify(line)}\n`,
    );
  };
}
