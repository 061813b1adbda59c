// fast-check arbitraries derived from the bundled spec: valid calls of every operation, and invalid ones
// made by breaking one thing of a valid call, each with the answer the contract promises. Nothing here
// names a field or a header: a change of the spec changes what is generated. The operations' semantics
// (which records they name) come from ./operations.ts.
import fc from "fast-check";
import type { Handlers } from "../../generated/server.js";
import { defaultBodyLimit as bodyLimit } from "../../src/response.js";
import { type FlatSchema, model, type OperationModel, schemaValidator } from "./spec.js";
import { fillPath, type HttpCall, operationNeeds, type World } from "./operations.js";

export interface Expected {
  /** The statuses the answer may have. */
  statuses: number[];
  /** The `error` code, for error statuses the server decides itself. */
  error?: string;
  /** A field or header that the error must name. */
  field?: string;
}

export interface Case {
  name: string;
  operationId: keyof Handlers;
  call: HttpCall;
  /** The body as sent, for checking what was stored (valid calls only). */
  sent?: Record<string, unknown>;
  expected: Expected;
}

const validate = schemaValidator();
const int64 = [-(2n ** 63n), 2n ** 63n - 1n] as const;

/** A header value: visible ASCII, no surrounding spaces (HTTP would strip them). */
const headerText = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,30}[\x21-\x7e])?$/);
/** Text as an agent might type it: any Unicode, well-formed. */
const text = fc.string({ unit: "binary", maxLength: 40 }).filter((s) => s.isWellFormed());

/** A schema's types, `null` left out. */
const typesOf = (schema: FlatSchema) => [schema.type ?? []].flat().filter((type) => type !== "null");
/** True when the schema lets `null` through (as every optional property of a request body does: "not sent"). */
export const admitsNull = (schema: FlatSchema): boolean => [schema.type].flat().includes("null") || (schema.oneOf ?? []).some(admitsNull);

/** Names a schema does not list, for the properties Khoros may add to an open object. */
const unlistedName = (schema: FlatSchema) => fc.stringMatching(/^[a-z][A-Za-z]{0,11}$/).filter((name) => !(name in schema.properties) && !(name in {}));
/** Any JSON, a few levels deep at most: what an unlisted property may hold. */
const anyJson = fc.jsonValue({ maxDepth: 2 }).filter((value) => JSON.stringify(value).isWellFormed() && !JSON.stringify(value).includes("null"));

/**
 * Values valid for a resolved schema, as Khoros may send them: an optional property left out, or `null`
 * (read as not sent) where the schema admits it, and an open object with properties it does not list.
 */
export function valueFor(schema: FlatSchema): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.oneOf) return fc.oneof(...schema.oneOf.map(valueFor));
  const [type, ...others] = typesOf(schema);
  if (type === undefined && admitsNull(schema)) return fc.constant(null);
  const value = others.length > 0 ? fc.oneof(...typesOf(schema).map((t) => valueFor({ ...schema, type: t }))) : valueOfType(schema, type);
  return admitsNull(schema) ? fc.oneof(value, fc.constant(null)) : value;
}

function valueOfType(schema: FlatSchema, type: string | undefined): fc.Arbitrary<unknown> {
  switch (type) {
    case "string":
      return schema.format === "email" ? fc.emailAddress() : schema.format === "date-time" ? fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) : text;
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

/** An object: its required properties, any of its optional ones, one of each `anyOf`'s alternatives, and (if open) more. */
function objectFor(schema: FlatSchema): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.fromEntries(Object.entries(schema.properties).map(([name, child]) => [name, valueFor(child)]));
  const alternatives = (schema.anyOf ?? []).map((choice) => fc.constantFrom(...choice.flatMap((option) => option.required)));
  return fc.tuple(fc.tuple(...alternatives), fc.dictionary(unlistedName(schema), anyJson, { maxKeys: schema.closed ? 0 : 2 })).chain(([chosen, unlisted]) =>
    fc.record(properties, { requiredKeys: [...new Set([...schema.required, ...chosen])] }).map((known) => {
      // A chosen alternative's property must hold a value, not null.
      for (const name of chosen) if (known[name] === null) delete known[name];
      return { ...unlisted, ...known };
    }).filter((value) => chosen.every((name) => name in value)),
  );
}

/** A header's text, valid for its schema (an int64 header ranges over the whole int64, bigints included). */
function headerValueFor(schema: FlatSchema): fc.Arbitrary<string> {
  if (schema.type === "integer") return fc.oneof(fc.integer(), fc.bigInt(int64[0], int64[1])).map(String);
  const check = validate(schema as never);
  return headerText.filter((value) => check(value).length === 0);
}

const headerParameters = (op: OperationModel) => op.parameters.filter((p) => p.in === "header");
const bodySchema = (op: OperationModel) => {
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
  return { method: op.method, path: fillPath(op.path, needs.path?.(world)), headers, ...(sent ? { body: JSON.stringify(sent), sent } : {}) };
}

const someObject = fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.integer(), { minKeys: 1, maxKeys: 2 });
/** Values of each JSON type but `null` (which, for an optional property, reads as not sent). */
const valuesOf: Record<string, fc.Arbitrary<unknown>> = {
  string: text,
  integer: fc.integer(),
  boolean: fc.boolean(),
  array: fc.array(fc.integer(), { minLength: 1, maxLength: 3 }),
  object: someObject,
};

/** A value of the wrong type for a schema (JSON has no value that is wrong for every schema: none for `{}`). */
function wrongValueFor(schema: FlatSchema): fc.Arbitrary<unknown> | undefined {
  const allowed = schema.oneOf ? schema.oneOf.flatMap(typesOf) : typesOf(schema);
  if (allowed.length === 0) return undefined;
  const wrong = Object.entries(valuesOf).filter(([type]) => !allowed.includes(type) && !(type === "integer" && allowed.includes("number")));
  const values = wrong.map(([, value]) => value);
  return fc.oneof(...values, ...(admitsNull(schema) ? [] : [fc.constant(null)]));
}

/** How the operation answers a request that fails validation: 422 where it documents one, else 400. */
const invalidStatus = (op: OperationModel) => (op.responses.some((r) => r.status === 422) ? 422 : 400);
const invalidCode = (op: OperationModel) => (invalidStatus(op) === 422 ? "field_validation_error" : "invalid_field");

/** Invalid calls of one operation: a valid one with one thing broken, and what the contract answers. */
export function invalidCase(op: OperationModel, world: World, apiKey: string): fc.Arbitrary<Case> {
  const operationId = op.operationId as keyof Handlers;
  const valid = validCall(op);
  const http = (call: ValidCall) => toHttp(call, world, apiKey);
  /** The call with its body (as it would be sent, records fixed) changed: the change is what is tested. */
  const withBody = (call: ValidCall, change: (sent: Record<string, unknown>) => Record<string, unknown>): HttpCall => {
    const request = http(call);
    return { ...request, body: JSON.stringify(change(request.sent!)) };
  };
  const made = (name: string, call: HttpCall, expected: Expected): Case => ({ name: `${operationId}: ${name}`, operationId, call, expected });
  const body = bodySchema(op);
  const known = Object.keys(body?.properties ?? {});
  const mutations: fc.Arbitrary<Case>[] = [
    fc.tuple(valid, fc.constantFrom<string | null>(null, "", "wrong-key")).map(([call, key]) => {
      const request = http(call);
      if (key === null || key === "") delete request.headers.Authorization;
      else request.headers.Authorization = key;
      return made("no or a wrong API key", request, { statuses: [401], error: "invalid_api_key" });
    }),
    fc.tuple(valid, fc.constantFrom("image/png", "application/xml", "text/html;q=1, application/json;q=0")).map(([call, accept]) =>
      made("an Accept it cannot meet", { ...http(call), headers: { ...http(call).headers, Accept: accept } }, { statuses: [406], error: "not_acceptable" }),
    ),
    ...headerParameters(op)
      .filter((p) => model.flatten(p.schema).type === "integer")
      .map((p) =>
        fc.tuple(valid, headerText.filter((v) => !/^[+-]?\d+$/.test(v))).map(([call, value]) =>
          made(`${p.name} that is not an integer`, http({ ...call, headers: { ...call.headers, [p.name]: value } }), {
            statuses: [invalidStatus(op)],
            error: invalidCode(op),
            field: p.name,
          }),
        ),
      ),
  ];
  if (body) {
    mutations.push(
      ...known.flatMap((name) => {
        const wrong = wrongValueFor(body.properties[name]!);
        return wrong
          ? [
              fc.tuple(valid, wrong).map(([call, value]) =>
                made(`${name} of the wrong type`, withBody(call, (sent) => ({ ...sent, [name]: value })), {
                  statuses: [invalidStatus(op)],
                  error: invalidCode(op),
                  field: name,
                }),
              ),
            ]
          : [];
      }),
      ...(body.closed
        ? [
            fc
              .tuple(valid, fc.string({ minLength: 1, maxLength: 20 }).filter((n) => !known.includes(n) && n.isWellFormed()), text)
              .map(([call, name, value]) =>
                made("an unknown property", withBody(call, (sent) => ({ ...sent, [name]: value })), { statuses: [400], error: "invalid_field", field: name }),
              ),
          ]
        : []),
      fc.tuple(valid, fc.constantFrom<string | null>(null, "text/plain", "application/xml", "application/json; charset=latin1")).map(([call, contentType]) => {
        const request = http(call);
        if (contentType === null) delete request.headers["Content-Type"];
        else request.headers["Content-Type"] = contentType;
        return made("a wrong Content-Type", request, { statuses: [400], error: "invalid_payload" });
      }),
      fc.tuple(valid, fc.oneof(fc.array(text, { maxLength: 3 }), text, fc.integer(), fc.constant(null))).map(([call, json]) =>
        made("JSON that is not an object", { ...http(call), body: JSON.stringify(json) }, { statuses: [400], error: "invalid_payload" }),
      ),
      fc.tuple(valid, fc.nat()).map(([call, cut]) => {
        const request = http(call);
        return made("truncated JSON", { ...request, body: request.body!.slice(0, cut % request.body!.length) }, { statuses: [400], error: "invalid_payload" });
      }),
      fc.tuple(valid, fc.integer({ min: 1, max: 4096 })).map(([call, extra]) =>
        made("a body over the size limit", withBody(call, (sent) => ({ ...sent, padding: "x".repeat(bodyLimit + extra) })), {
          statuses: [413],
          error: "payload_too_large",
        }),
      ),
      fc.tuple(valid, text).map(([call, value]) =>
        made("a lone surrogate", withBody(call, (sent) => ({ ...sent, [known[0] ?? "anything"]: `${value}\ud800` })), {
          statuses: [400],
          error: "invalid_payload",
        }),
      ),
    );
  }
  return fc.oneof(...mutations);
}

/** A body as the server reads it: every `null` property dropped, at any depth ("not sent"). */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([, child]) => child !== null).map(([name, child]) => [name, withoutNulls(child)])) as T;
}

/** A command that replays the request against a server at $CRM_URL (bytes escaped for printf). */
export function toCurl(call: HttpCall): string {
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const headers = Object.entries(call.headers).map(([name, value]) => `-H ${quote(`${name}: ${value}`)}`);
  const curl = `curl -sS -i -X ${call.method} "$CRM_URL${call.path}" ${headers.join(" ")}`;
  if (call.body === undefined) return curl;
  const bytes = [...Buffer.from(call.body, "utf8")]
    .map((b) => (b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`))
    .join("");
  return `printf '%b' '${bytes}' | ${curl} --data-binary @-`;
}
