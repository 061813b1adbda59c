// Judges of answers, each returning what is wrong (nothing when the answer is right): a documented status
// in its documented media type with a body valid against its schema (the failing schema path named), a
// text/plain body as its `x-text-from` says, an error's code, an error that names the field at fault.
import { textFrom } from "../../src/text-bodies.js";
import type { OperationModel } from "../shared/spec-model.js";
import type { Answer } from "./check.js";
import { routeOf } from "./spec-facts.js";

const json = "application/json";
const maxProblems = 5;

/** The status is one of `statuses`, in `mediaType` where that status offers it, the body valid. */
export function documented(op: OperationModel, statuses: number[], mediaType = json) {
  return (answer: Answer): string[] => {
    if (!statuses.includes(answer.status))
      return [`${op.operationId} answered ${answer.status}, not ${statuses.join(" or ")}`];
    const rule = `${op.operationId} ${answer.status}`;
    const response = routeOf(op).responses[answer.status]!;
    if (response.mediaTypes.length === 0)
      return answer.text === ""
        ? []
        : [`${rule}: a ${answer.status} has no body, this one has ${answer.text.length} characters`];
    const expected = response.mediaTypes.includes(mediaType) ? mediaType : response.mediaTypes[0]!;
    if (answer.mediaType !== expected)
      return [`${rule}: answered in ${answer.mediaType || "no media type"}, not ${expected}`];
    if (expected !== json) return textProblems(rule, answer.text, response.textFrom);
    if (answer.json === undefined) return [`${rule}: the body is not JSON`];
    return schemaProblems(rule, response.validate, answer.json);
  };
}

function schemaProblems(
  rule: string,
  validate: (((data: unknown) => boolean) & { errors?: unknown }) | undefined,
  body: unknown,
): string[] {
  if (!validate || validate(body)) return [];
  const errors = (validate.errors ?? []) as {
    instancePath: string;
    schemaPath: string;
    message?: string;
    params?: Record<string, unknown>;
  }[];
  return errors.slice(0, maxProblems).map((e) => {
    const detail = e.params?.allowedValues
      ? ` ${JSON.stringify(e.params.allowedValues)}`
      : (e.params?.additionalProperty ?? e.params?.unevaluatedProperty);
    const what = `${e.message}${detail ? ` ${String(detail).trim()}` : ""}`;
    return `${rule}: body${e.instancePath || ""} ${what} (schema ${e.schemaPath})`;
  });
}

/** A text/plain body: one line for one value (`url`, `message`), a line per item for a list (`[].url`). */
function textProblems(rule: string, text: string, path: string | undefined): string[] {
  if (!path) return [];
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  if (path.includes("[]"))
    return lines.some((line) => line.trim() === "")
      ? [`${rule}: a text/plain list with an empty line (x-text-from ${path})`]
      : [];
  if (lines.length !== 1 || lines[0]!.trim() === "")
    return [`${rule}: text/plain must be one line, the ${path} (x-text-from), not ${lines.length} lines`];
  return [];
}

/** The text answer is the JSON twin's `x-text-from`, exactly. */
export function sameAsJsonTwin(op: OperationModel, text: Answer, twin: Answer | undefined): string[] {
  const path = routeOf(op).responses[text.status]?.textFrom;
  if (!path || twin?.json === undefined || twin.status !== text.status) return [];
  const expected = textFrom(twin.json, path);
  if (expected === undefined || expected === text.text.replace(/\n$/, "")) return [];
  return [
    `${op.operationId} ${text.status}: text/plain is not the JSON answer's ${path} (x-text-from): ` +
      `expected ${JSON.stringify(expected.slice(0, 200))}`,
  ];
}

/** The error's `error` is `code`. */
export function hasCode(op: OperationModel, answer: Answer, code: string): string[] {
  const actual = (answer.json as { error?: unknown } | undefined)?.error;
  return actual === code ? [] : [`${op.operationId} ${answer.status}: error is ${JSON.stringify(actual)}, not ${code}`];
}

/** The error names `name` in its message and, when it has `fields`, in them. */
export function namesField(op: OperationModel, answer: Answer, name: string): string[] {
  const body = answer.json as { message?: unknown; fields?: unknown } | undefined;
  const problems: string[] = [];
  if (typeof body?.message !== "string" || !body.message.includes(name))
    problems.push(`${op.operationId} ${answer.status}: the message does not name ${name}`);
  if (body?.fields !== undefined) {
    const named = [body.fields].flat().some((field) => (field as { name?: unknown } | null)?.name === name);
    if (!named) problems.push(`${op.operationId} ${answer.status}: fields do not name ${name}`);
  }
  return problems;
}

/** Several judges of one answer, their problems together. */
export const all = (...problems: string[][]): string[] => problems.flat();
