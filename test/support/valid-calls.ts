// fast-check arbitraries derived from the bundled spec: valid calls of every operation, as Khoros may send
// them, turned into HTTP requests (and into a curl command that replays one). Nothing here names a field or
// a header: a change of the spec changes what is generated. The operations' semantics (which records they
// name) come from ./operations.ts; the invalid calls, made by breaking a valid one, from ./invalid-calls.ts.
import fc from "fast-check";
import type { Handlers } from "../../generated/server.js";
import { type FlatSchema, model, type OperationModel, schemaValidator } from "./spec.js";
import { fillPath, type HttpCall, operationNeeds, type World } from "./operations.js";

const validate = schemaValidator();
const int64 = [-(2n ** 63n), 2n ** 63n - 1n] as const;

/** A header value: visible ASCII, no surrounding spaces (HTTP would strip them). */
export const headerText = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,30}[\x21-\x7e])?$/);
/** Text as an agent might type it: any Unicode, well-formed. */
export const text = fc.string({ unit: "binary", maxLength: 40 }).filter((s) => s.isWellFormed());

/** A schema's types, `null` left out. */
export const typesOf = (schema: FlatSchema) => [schema.type ?? []].flat().filter((type) => type !== "null");
/** True when the schema lets `null` through (as every optional property of a request body does: "not sent"). */
export const admitsNull = (schema: FlatSchema): boolean =>
  [schema.type].flat().includes("null") || (schema.oneOf ?? []).some(admitsNull);

/** Names a schema does not list, for the properties Khoros may add to an open object. */
const unlistedName = (schema: FlatSchema) =>
  fc.stringMatching(/^[a-z][A-Za-z]{0,11}$/).filter((name) => !(name in schema.properties) && !(name in {}));
/** Any JSON, a few levels deep at most: what an unlisted property may hold. */
const anyJson = fc
  .jsonValue({ maxDepth: 2 })
  .filter((value) => JSON.stringify(value).isWellFormed() && !JSON.stringify(value).includes("null"));

/**
 * Values valid for a resolved schema, as Khoros may send them: an optional property left out, or `null`
 * (read as not sent) where the schema admits it, and an open object with properties it does not list.
 */
export function valueFor(schema: FlatSchema): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.oneOf) return fc.oneof(...schema.oneOf.map(valueFor));
  const [type, ...others] = typesOf(schema);
  if (type === undefined && admitsNull(schema)) return fc.constant(null);
  const value =
    others.length > 0
      ? fc.oneof(...typesOf(schema).map((t) => valueFor({ ...schema, type: t })))
      : valueOfType(schema, type);
  return admitsNull(schema) ? fc.oneof(value, fc.constant(null)) : value;
}

function valueOfType(schema: FlatSchema, type: string | undefined): fc.Arbitrary<unknown> {
  switch (type) {
    case "string":
      if (schema.format === "email") return fc.emailAddress();
      return schema.format === "date-time" ? fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) : text;
    case "integer":
      return fc.integer();
    case "boolean":
      return fc.boolean();
    case "array":
      return fc.array(valueFor(schema.items!), { maxLength: 3 });
    case "object":
      return objectFor(schema);
    default:
      throw new Error(`no generator for a schema of type ${String(schema.type)}`);
  }
}

/**
 * An object: its required properties, any of its optional ones, one of each `anyOf`'s alternatives, and (if
 * open) more.
 */
function objectFor(schema: FlatSchema): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.fromEntries(
    Object.entries(schema.properties).map(([name, child]) => [name, valueFor(child)]),
  );
  const alternatives = (schema.anyOf ?? []).map((choice) =>
    fc.constantFrom(...choice.flatMap((option) => option.required)),
  );
  const unlistedProperties = fc.dictionary(unlistedName(schema), anyJson, { maxKeys: schema.closed ? 0 : 2 });
  return fc.tuple(fc.tuple(...alternatives), unlistedProperties).chain(([chosen, unlisted]) =>
    fc
      .record(properties, { requiredKeys: [...new Set([...schema.required, ...chosen])] })
      .map((known) => {
        // A chosen alternative's property must hold a value, not null.
        for (const name of chosen) if (known[name] === null) delete known[name];
        return { ...unlisted, ...known };
      })
      .filter((value) => chosen.every((name) => name in value)),
  );
}

/** A header's text, valid for its schema (an int64 header ranges over the whole int64, bigints included). */
function headerValueFor(schema: FlatSchema): fc.Arbitrary<string> {
  if (schema.type === "integer") return fc.oneof(fc.integer(), fc.bigInt(int64[0], int64[1])).map(String);
  const check = validate(schema as never);
  return headerText.filter((value) => check(value).length === 0);
}

export const headerParameters = (op: OperationModel) => op.parameters.filter((p) => p.in === "header");
export const bodySchema = (op: OperationModel) => {
  const schema = model.requestSchema(op);
  return schema && model.flatten(schema);
};

/** Accept headers that allow one of the success answer's media types, and the media type each gets. */
function acceptFor(op: OperationModel): fc.Arbitrary<[string | undefined, string]> {
  const mediaTypes = [...new Set(op.responses.filter((r) => r.status < 300).flatMap((r) => Object.keys(r.content)))];
  return fc.constantFrom<[string | undefined, string]>(
    [undefined, mediaTypes[0]!],
    ["*/*", mediaTypes[0]!],
    ...mediaTypes.map((m): [string, string] => [m, m]),
    ...mediaTypes.map((m): [string, string] => [`${m};q=0.9, */*;q=0.1`, m]),
  );
}

export interface ValidCall {
  operationId: keyof Handlers;
  body?: Record<string, unknown>;
  headers: Record<string, string>;
  accept: [string | undefined, string];
  /** A header the spec does not know, which must be ignored. */
  extraHeader?: [string, string];
}

/** Valid calls of one operation. */
export function validCall(op: OperationModel): fc.Arbitrary<ValidCall> {
  const body = bodySchema(op);
  const headers = headerParameters(op);
  return fc.record(
    {
      operationId: fc.constant(op.operationId as keyof Handlers),
      ...(body ? { body: valueFor(body) as fc.Arbitrary<Record<string, unknown>> } : {}),
      headers: fc.record(Object.fromEntries(headers.map((p) => [p.name, headerValueFor(model.flatten(p.schema))])), {
        requiredKeys: headers.filter((p) => p.required).map((p) => p.name),
      }),
      accept: acceptFor(op),
      extraHeader: fc.tuple(fc.stringMatching(/^X-Extra-[A-Za-z0-9-]{1,12}$/), headerText),
    },
    { requiredKeys: ["operationId", "headers", "accept", ...(body ? ["body" as const] : [])] },
  ) as fc.Arbitrary<ValidCall>;
}

/** A valid call of any operation. */
export const anyValidCall: fc.Arbitrary<ValidCall> = fc.oneof(...model.operations.map(validCall));

/** The HTTP request for a valid call, against the records of `world`, with an API key. */
export function toHttp(call: ValidCall, world: World, apiKey: string): HttpCall & { sent?: Record<string, unknown> } {
  const op = model.operation(call.operationId);
  const needs = operationNeeds[call.operationId];
  const sent = call.body && (needs.fixBody?.(call.body, world) ?? call.body);
  const headers: Record<string, string> = { ...call.headers, Authorization: apiKey };
  if (sent) headers["Content-Type"] = "application/json";
  if (call.accept[0] !== undefined) headers.Accept = call.accept[0];
  if (call.extraHeader) headers[call.extraHeader[0]] = call.extraHeader[1];
  const path = fillPath(op.path, needs.path?.(world));
  return { method: op.method, path, headers, ...(sent ? { body: JSON.stringify(sent), sent } : {}) };
}

/** A body as the server reads it: every `null` property dropped, at any depth ("not sent"). */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (typeof value !== "object" || value === null) return value;
  const kept = Object.entries(value).filter(([, child]) => child !== null);
  return Object.fromEntries(kept.map(([name, child]) => [name, withoutNulls(child)])) as T;
}

/** A command that replays the request against a server at $CRM_URL (bytes escaped for printf). */
export function toCurl(call: HttpCall): string {
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const headers = Object.entries(call.headers).map(([name, value]) => `-H ${quote(`${name}: ${value}`)}`);
  const curl = `curl -sS -i -X ${call.method} "$CRM_URL${call.path}" ${headers.join(" ")}`;
  if (call.body === undefined) return curl;
  const printable = (b: number) => b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c;
  const bytes = [...Buffer.from(call.body, "utf8")]
    .map((b) => (printable(b) ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`))
    .join("");
  return `printf '%b' '${bytes}' | ${curl} --data-binary @-`;
}
