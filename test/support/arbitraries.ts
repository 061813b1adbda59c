// fast-check arbitraries derived from the bundled spec: valid createCustomer requests, and invalid ones made
// by mutating them, each with the answer the contract promises. Nothing here names a field or a header:
// a change of the spec changes what is generated.
import fc from "fast-check";
import { deref, type FlatSchema, flatten, loadSpec, operation, type ParameterObject, type Spec } from "./spec.js";
import { schemaValidator } from "./spec.js";

export interface HttpRequest {
  headers: Record<string, string>;
  body: string;
}

export interface Expected {
  status: number;
  /** The `error` code, for error statuses the server decides itself. */
  error?: string;
  /** For 400: the one field named; for 422: a field that must be listed. */
  field?: string;
}

export interface Case {
  name: string;
  request: HttpRequest;
  /** The body as sent, for checking what was stored (valid requests only). */
  sent?: Record<string, unknown>;
  expected: Expected;
}

const spec: Spec = loadSpec();
const op = operation(spec);
const validate = schemaValidator(spec);
const bodySchema = op.requestBody.content["application/json"].schema;
const body = flatten(spec, bodySchema);
const headerParameters = (op.parameters as unknown[]).map((p) => deref<ParameterObject>(spec, p)).filter((p) => p.in === "header");
const apiKeyHeader: string = spec.components.securitySchemes[Object.keys(spec.security[0])[0]!].name;
const responseMediaTypes = [...new Set(Object.values(op.responses).flatMap((r) => Object.keys(deref<{ content: object }>(spec, r).content)))];
const bodyLimit = 64 * 1024;

/** A header value: visible ASCII, no surrounding spaces (HTTP would strip them). */
const headerText = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,30}[\x21-\x7e])?$/);
/** Text as an agent might type it: any Unicode, well-formed. */
const text = fc.string({ unit: "binary", maxLength: 40 }).filter((s) => s.isWellFormed());

/** Values valid for a (flattened) string schema, formats included; anything else of that type otherwise. */
function valueFor(schema: FlatSchema, inHeader: boolean): fc.Arbitrary<string> {
  if (schema.type !== "string") throw new Error(`no generator for type ${schema.type}`);
  const base = schema.format === "email" ? fc.emailAddress() : inHeader ? headerText : text;
  const check = validate(schema as never);
  return base.filter((value) => check(value).length === 0);
}

const bodyArbitrary: fc.Arbitrary<Record<string, unknown>> = fc.record(
  Object.fromEntries(Object.entries(body.properties).map(([name, schema]) => [name, valueFor(schema, false)])),
  { requiredKeys: body.required },
);

const headersArbitrary: fc.Arbitrary<Record<string, string>> = fc.record(
  Object.fromEntries(headerParameters.map((p) => [p.name, valueFor(flatten(spec, p.schema), true)])),
  { requiredKeys: headerParameters.filter((p) => p.required).map((p) => p.name) },
);

/** Accept headers that allow one of the answer's media types, and the media type each gets. */
const acceptArbitrary = fc.constantFrom<[string | undefined, string]>(
  [undefined, responseMediaTypes[0]!],
  ["*/*", responseMediaTypes[0]!],
  ...responseMediaTypes.map((m): [string, string] => [m, m]),
  ...responseMediaTypes.map((m): [string, string] => [`${m};q=0.9, */*;q=0.1`, m]),
);

export interface ValidRequest {
  body: Record<string, unknown>;
  headers: Record<string, string>;
  accept: [string | undefined, string];
  /** A header the spec does not know, which must be ignored. */
  extraHeader?: [string, string];
}

export const validRequest: fc.Arbitrary<ValidRequest> = fc.record(
  {
    body: bodyArbitrary,
    headers: headersArbitrary,
    accept: acceptArbitrary,
    extraHeader: fc.tuple(fc.stringMatching(/^X-Extra-[A-Za-z0-9-]{1,12}$/), headerText),
  },
  { requiredKeys: ["body", "headers", "accept"] },
);

/** The HTTP request for a valid request and an API key. */
export function toHttp(request: ValidRequest, apiKey: string): HttpRequest {
  const headers: Record<string, string> = { ...request.headers, [apiKeyHeader]: apiKey, "Content-Type": "application/json" };
  if (request.accept[0] !== undefined) headers.Accept = request.accept[0];
  if (request.extraHeader) headers[request.extraHeader[0]] = request.extraHeader[1];
  return { headers, body: JSON.stringify(request.body) };
}

const knownProperties = Object.keys(body.properties);
const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));

/** Invalid requests: a valid one with one thing broken, and what the contract answers. */
export function invalidCase(apiKey: string): fc.Arbitrary<Case> {
  const mutations: fc.Arbitrary<Case>[] = [
    fc.tuple(validRequest, fc.constantFrom(...knownProperties), notAString).map(([request, name, value]) => ({
      name: `${name} of the wrong type`,
      request: toHttp({ ...request, body: { ...request.body, [name]: value } }, apiKey),
      expected: { status: 422, error: "field_validation_error", field: name },
    })),
    fc
      .tuple(validRequest, fc.string({ minLength: 1, maxLength: 20 }).filter((n) => !knownProperties.includes(n) && n.isWellFormed()), text)
      .map(([request, name, value]) => ({
        name: "an unknown property",
        request: toHttp({ ...request, body: { ...request.body, [name]: value } }, apiKey),
        expected: { status: 400, error: "invalid_field", field: name },
      })),
    ...headerParameters
      .filter((p) => flatten(spec, p.schema).format)
      .map((p) => {
        const check = validate(flatten(spec, p.schema) as never);
        return fc.tuple(validRequest, headerText.filter((v) => check(v).length > 0)).map(([request, value]) => ({
          name: `a malformed ${p.name}`,
          request: toHttp({ ...request, headers: { ...request.headers, [p.name]: value } }, apiKey),
          expected: { status: 422, error: "field_validation_error", field: p.name },
        }));
      }),
    fc.tuple(validRequest, fc.constantFrom<string | null>(null, "", "wrong-key")).map(([request, key]) => {
      const http = toHttp(request, key ?? "");
      if (key === null || key === "") delete http.headers[apiKeyHeader];
      return { name: "no or a wrong API key", request: http, expected: { status: 401, error: "invalid_api_key" } };
    }),
    fc.tuple(validRequest, fc.constantFrom<string | null>(null, "text/plain", "application/xml", "application/json; charset=latin1")).map(
      ([request, contentType]) => {
        const http = toHttp(request, apiKey);
        if (contentType === null) delete http.headers["Content-Type"];
        else http.headers["Content-Type"] = contentType;
        return { name: "a wrong Content-Type", request: http, expected: { status: 400, error: "invalid_payload" } };
      },
    ),
    fc.tuple(validRequest, fc.oneof(fc.array(text, { maxLength: 3 }), text, fc.integer(), fc.constant(null))).map(([request, json]) => ({
      name: "JSON that is not an object",
      request: { ...toHttp(request, apiKey), body: JSON.stringify(json) },
      expected: { status: 400, error: "invalid_payload" },
    })),
    fc.tuple(validRequest, fc.nat()).map(([request, cut]) => {
      const http = toHttp(request, apiKey);
      return { name: "truncated JSON", request: { ...http, body: http.body.slice(0, cut % http.body.length) }, expected: { status: 400, error: "invalid_payload" } };
    }),
    fc.tuple(validRequest, fc.constantFrom(...knownProperties), fc.integer({ min: 1, max: 4096 })).map(([request, name, extra]) => ({
      name: "a body over the size limit",
      request: toHttp({ ...request, body: { ...request.body, [name]: "x".repeat(bodyLimit + extra) } }, apiKey),
      expected: { status: 413, error: "payload_too_large" },
    })),
    fc.tuple(validRequest, fc.constantFrom(...knownProperties), text).map(([request, name, value]) => ({
      name: "an unpaired surrogate",
      request: toHttp({ ...request, body: { ...request.body, [name]: `${value}\ud800` } }, apiKey),
      expected: { status: 400, error: "invalid_payload" },
    })),
    fc.tuple(validRequest, fc.constantFrom("image/png", "application/xml", "text/html;q=1, application/json;q=0")).map(([request, accept]) => ({
      name: "an Accept it cannot meet",
      request: { ...toHttp(request, apiKey), headers: { ...toHttp(request, apiKey).headers, Accept: accept } },
      expected: { status: 406, error: "not_acceptable" },
    })),
  ];
  return fc.oneof(...mutations);
}

/** A command that replays the request against a server at $CRM_URL (bytes escaped for printf). */
export function toCurl(request: HttpRequest, path = "/customer"): string {
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const bytes = [...Buffer.from(request.body, "utf8")]
    .map((b) => (b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`))
    .join("");
  const headers = Object.entries(request.headers).map(([name, value]) => `-H ${quote(`${name}: ${value}`)}`);
  return `printf '%b' '${bytes}' | curl -sS -i -X POST "$CRM_URL${path}" ${headers.join(" ")} --data-binary @-`;
}
