// fast-check arbitraries of invalid calls, derived from the bundled spec: a valid call (./valid-calls.ts)
// with one thing broken, each with the answer the contract promises. Nothing here names a field or a
// header: a change of the spec changes what is generated.
import fc from "fast-check";
import type { Handlers } from "../../generated/server.js";
import { defaultBodyLimit as bodyLimit } from "../../src/response.js";
import { type FlatSchema, model, type OperationModel } from "./spec.js";
import type { HttpCall, World } from "./operations.js";
import {
  admitsNull,
  bodySchema,
  headerParameters,
  headerText,
  text,
  toHttp,
  typesOf,
  validCall,
  type ValidCall,
} from "./valid-calls.js";

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
  const wrong = Object.entries(valuesOf).filter(
    ([type]) => !allowed.includes(type) && !(type === "integer" && allowed.includes("number")),
  );
  const values = wrong.map(([, value]) => value);
  return fc.oneof(...values, ...(admitsNull(schema) ? [] : [fc.constant(null)]));
}

/** How the operation answers a request that fails validation: 422 where it documents one, else 400. */
const invalidStatus = (op: OperationModel) => (op.responses.some((r) => r.status === 422) ? 422 : 400);
const invalidCode = (op: OperationModel) => (invalidStatus(op) === 422 ? "field_validation_error" : "invalid_field");
/** The answer to a field or header that fails validation: the operation's status and code, naming it. */
const invalidField = (op: OperationModel, field: string): Expected => ({
  statuses: [invalidStatus(op)],
  error: invalidCode(op),
  field,
});

/** What every mutation of one operation starts from: its valid calls, as requests, and how a case is named. */
interface Mutating {
  op: OperationModel;
  valid: fc.Arbitrary<ValidCall>;
  http(call: ValidCall): HttpCall & { sent?: Record<string, unknown> };
  /** The call with its body (as it would be sent, records fixed) changed: the change is what is tested. */
  withBody(call: ValidCall, change: (sent: Record<string, unknown>) => Record<string, unknown>): HttpCall;
  made(name: string, call: HttpCall, expected: Expected): Case;
}

function mutating(op: OperationModel, world: World, apiKey: string): Mutating {
  const operationId = op.operationId as keyof Handlers;
  const http = (call: ValidCall) => toHttp(call, world, apiKey);
  return {
    op,
    valid: validCall(op),
    http,
    withBody: (call, change) => {
      const request = http(call);
      return { ...request, body: JSON.stringify(change(request.sent!)) };
    },
    made: (name, call, expected) => ({ name: `${operationId}: ${name}`, operationId, call, expected }),
  };
}

/** Mistakes any operation can get: its key, its Accept header, an integer header that is none. */
function requestMutations({ op, valid, http, made }: Mutating): fc.Arbitrary<Case>[] {
  const integerHeaders = headerParameters(op).filter((p) => model.flatten(p.schema).type === "integer");
  const acceptsNone = fc.constantFrom("image/png", "application/xml", "text/html;q=1, application/json;q=0");
  return [
    fc.tuple(valid, fc.constantFrom<string | null>(null, "", "wrong-key")).map(([call, key]) => {
      const request = http(call);
      if (key === null || key === "") delete request.headers.Authorization;
      else request.headers.Authorization = key;
      return made("no or a wrong API key", request, { statuses: [401], error: "invalid_api_key" });
    }),
    fc
      .tuple(valid, acceptsNone)
      .map(([call, accept]) =>
        made(
          "an Accept it cannot meet",
          { ...http(call), headers: { ...http(call).headers, Accept: accept } },
          { statuses: [406], error: "not_acceptable" },
        ),
      ),
    ...integerHeaders.map((p) =>
      fc
        .tuple(
          valid,
          headerText.filter((v) => !/^[+-]?\d+$/.test(v)),
        )
        .map(([call, value]) =>
          made(
            `${p.name} that is not an integer`,
            http({ ...call, headers: { ...call.headers, [p.name]: value } }),
            invalidField(op, p.name),
          ),
        ),
    ),
  ];
}

/** Mistakes in a body's fields: a field of the wrong type, and (where the body is closed) an unknown one. */
function fieldMutations({ op, valid, withBody, made }: Mutating, body: FlatSchema): fc.Arbitrary<Case>[] {
  const known = Object.keys(body.properties);
  const wrongTypes = known.flatMap((name) => {
    const wrong = wrongValueFor(body.properties[name]!);
    if (!wrong) return [];
    return [
      fc.tuple(valid, wrong).map(([call, value]) => {
        const request = withBody(call, (sent) => ({ ...sent, [name]: value }));
        return made(`${name} of the wrong type`, request, invalidField(op, name));
      }),
    ];
  });
  if (!body.closed) return wrongTypes;
  const unknownName = fc.string({ minLength: 1, maxLength: 20 }).filter((n) => !known.includes(n) && n.isWellFormed());
  const unknownProperty = fc.tuple(valid, unknownName, text).map(([call, name, value]) =>
    made(
      "an unknown property",
      withBody(call, (sent) => ({ ...sent, [name]: value })),
      {
        statuses: [400],
        error: "invalid_field",
        field: name,
      },
    ),
  );
  return [...wrongTypes, unknownProperty];
}

/** Mistakes in a body as a whole: its Content-Type, JSON that is no object or cut short, its size, its text. */
function payloadMutations({ valid, http, withBody, made }: Mutating, body: FlatSchema): fc.Arbitrary<Case>[] {
  const invalidPayload: Expected = { statuses: [400], error: "invalid_payload" };
  const contentTypes = fc.constantFrom<string | null>(
    null,
    "text/plain",
    "application/xml",
    "application/json; charset=latin1",
  );
  const notObjects = fc.oneof(fc.array(text, { maxLength: 3 }), text, fc.integer(), fc.constant(null));
  const someField = Object.keys(body.properties)[0] ?? "anything";
  return [
    fc.tuple(valid, contentTypes).map(([call, contentType]) => {
      const request = http(call);
      if (contentType === null) delete request.headers["Content-Type"];
      else request.headers["Content-Type"] = contentType;
      return made("a wrong Content-Type", request, invalidPayload);
    }),
    fc
      .tuple(valid, notObjects)
      .map(([call, json]) =>
        made("JSON that is not an object", { ...http(call), body: JSON.stringify(json) }, invalidPayload),
      ),
    fc.tuple(valid, fc.nat()).map(([call, cut]) => {
      const request = http(call);
      const body = request.body!.slice(0, cut % request.body!.length);
      return made("truncated JSON", { ...request, body }, invalidPayload);
    }),
    fc.tuple(valid, fc.integer({ min: 1, max: 4096 })).map(([call, extra]) => {
      const request = withBody(call, (sent) => ({ ...sent, padding: "x".repeat(bodyLimit + extra) }));
      return made("a body over the size limit", request, { statuses: [413], error: "payload_too_large" });
    }),
    fc.tuple(valid, text).map(([call, value]) =>
      made(
        "a lone surrogate",
        withBody(call, (sent) => ({ ...sent, [someField]: `${value}\ud800` })),
        invalidPayload,
      ),
    ),
  ];
}

/** Invalid calls of one operation: a valid one with one thing broken, and what the contract answers. */
export function invalidCase(op: OperationModel, world: World, apiKey: string): fc.Arbitrary<Case> {
  const from = mutating(op, world, apiKey);
  const body = bodySchema(op);
  const bodyMutations = body ? [...fieldMutations(from, body), ...payloadMutations(from, body)] : [];
  return fc.oneof(...requestMutations(from), ...bodyMutations);
}
