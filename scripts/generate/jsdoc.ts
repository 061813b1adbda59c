// JSDoc for the generated client and server: the block, and an operation's first line.
import type { OperationModel } from "../shared/spec-model.js";

/** A JSDoc block. */
export function comment(lines: string[], indent: string): string[] {
  return [
    `${indent}/**`,
    ...lines.map((line) => `${indent} * ${line.replaceAll("*/", "*\\/")}`.trimEnd()),
    `${indent} */`,
  ];
}

/** The first line of an operation's JSDoc: summary, method and path. */
export const operationTitle = (op: OperationModel) => `${op.summary ?? op.operationId} (\`${op.method} ${op.path}\`).`;
