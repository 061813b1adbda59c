// A progress line while verify runs, on stderr so that the report on stdout stays clean: updated in place
// on a terminal; on a pipe or a file, one line as each family of checks begins.
import type { Check } from "./check.js";

export function progressReporter(stream: NodeJS.WriteStream) {
  let last = "";
  return {
    update(done: number, total: number, check: Check) {
      if (stream.isTTY) {
        const line = `[${done + 1}/${total}] ${check.operationId} · ${check.rule}`;
        stream.write(`\r\u001b[K${line.slice(0, (stream.columns || 80) - 1)}`);
      } else if (check.family !== last) {
        stream.write(`verify: ${check.family} checks from ${done + 1} of ${total}…\n`);
      }
      last = stream.isTTY ? check.operationId : check.family;
    },
    done() {
      if (stream.isTTY && last) stream.write("\r\u001b[K");
    },
  };
}
