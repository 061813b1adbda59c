// Reading a JSON request body: the Content-Type, the size limit, UTF-8, and JSON itself, each failure
// named by its situation in the error catalogue.
import { parse as parseContentType } from "content-type";
import type { IncomingRequest } from "./incoming.js";
import type { RuntimeSituation } from "./server-errors.js";

const jsonMediaType = "application/json";
const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * True unless a string (key or value) holds an unpaired surrogate. UTF-8 cannot carry one (fatalUtf8
 * refuses it), but a `\ud800` escape can; such text is no I-JSON (RFC 7493) and could not be stored or
 * sent back as it came, so it is refused. Only text with such an escape is walked.
 */
function isWellFormedJson(text: string, value: unknown): boolean {
  if (!/\\u[dD][89a-fA-F]/.test(text)) return true;
  const pending: unknown[] = [value]; // a loop, not recursion: the body may nest as deep as it fits
  while (pending.length > 0) {
    const node = pending.pop();
    if (typeof node === "string" && !node.isWellFormed()) return false;
    if (Array.isArray(node))
      for (const item of node) pending.push(item); // not push(...node): a long array would overflow the stack
    else if (isPlainObject(node)) {
      for (const [key, child] of Object.entries(node)) {
        if (!key.isWellFormed()) return false;
        pending.push(child);
      }
    }
  }
  return true;
}

/**
 * How deep a request body may nest. The contract's deepest (a case's interaction's author) is 4 levels; an
 * object Khoros leaves open may hold more, and this leaves room for it. Deeper bodies are refused: kept,
 * they would be written back as JSON by a recursive stringify, which a few thousand levels overflow.
 */
export const maxBodyDepth = 64;

/**
 * Settles a parsed body: deletes every property whose value is `null`, at any depth (array items are
 * kept), as the contract reads a `null` as "not sent"; and says false when the body nests deeper than
 * `maxBodyDepth`. A loop, not recursion, like isWellFormedJson.
 */
function settleBody(value: Record<string, unknown>, dropNulls: boolean): boolean {
  const pending: [node: unknown, depth: number][] = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (depth > maxBodyDepth) return false;
    if (Array.isArray(node)) {
      for (const item of node) if (typeof item === "object" && item !== null) pending.push([item, depth + 1]);
    } else if (isPlainObject(node)) {
      for (const key of Object.keys(node)) {
        const child = node[key];
        if (child === null && dropNulls) delete node[key];
        else if (typeof child === "object" && child !== null) pending.push([child, depth + 1]);
      }
    }
  }
  return true;
}

/** A JSON Content-Type, in UTF-8 if a charset is given. */
function isJsonContentType(header: string | undefined): boolean {
  if (header === jsonMediaType) return true;
  if (header === undefined) return false;
  try {
    const { type, parameters } = parseContentType(header);
    return type === jsonMediaType && (parameters.charset === undefined || parameters.charset.toLowerCase() === "utf-8");
  } catch {
    return false;
  }
}

export type JsonBody =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; situation: Exclude<RuntimeSituation, "payloadTooLarge">; status: 400 }
  | { ok: false; situation: "payloadTooLarge"; status: 413 }
  | { ok: false; situation: "aborted" };

/**
 * Reads and parses the body as one JSON object, or says what is wrong with it. Its `null` properties are
 * dropped (see settleBody): no validator or handler ever sees one.
 */
export async function readJsonObject(request: IncomingRequest, limit: number): Promise<JsonBody> {
  if (!isJsonContentType(request.header("content-type")))
    return { ok: false, situation: "wrongContentType", status: 400 };
  const read = await request.readBody(limit);
  if (!read.ok)
    return read.reason === "too_large"
      ? { ok: false, situation: "payloadTooLarge", status: 413 }
      : { ok: false, situation: "aborted" };
  if (read.bytes.length === 0) return { ok: false, situation: "emptyBody", status: 400 };
  let text: string;
  try {
    text = fatalUtf8.decode(read.bytes);
  } catch {
    return { ok: false, situation: "notUtf8", status: 400 };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, situation: "malformedJson", status: 400 };
  }
  if (!isPlainObject(value)) return { ok: false, situation: "notAnObject", status: 400 };
  if (!isWellFormedJson(text, value)) return { ok: false, situation: "loneSurrogate", status: 400 };
  // A text this short cannot nest too deep, and without "null" there is no null to drop: no walk needed.
  if ((text.length > 2 * maxBodyDepth || text.includes("null")) && !settleBody(value, text.includes("null"))) {
    return { ok: false, situation: "nestedTooDeep", status: 400 };
  }
  return { ok: true, value };
}
