// The bundled spec (generated/openapi.yaml), and schema validation against it, for tests.
import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import { parse } from "yaml";

export const bundledSpecPath = new URL("../../generated/openapi.yaml", import.meta.url);

type Schema = Record<string, unknown>;
export interface MediaTypeObject {
  schema: Schema;
  examples?: Record<string, { $ref?: string; value?: unknown; summary?: string }>;
}
export interface ResponseObject {
  description: string;
  headers?: Record<string, unknown>;
  content: Record<string, MediaTypeObject>;
}
export interface ParameterObject {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema: Schema;
}
export type Spec = Record<string, any>;

export function loadSpec(path: URL | string = bundledSpecPath): Spec {
  return parse(readFileSync(path, "utf8")) as Spec;
}

/** Follows local `$ref`s (`#/components/...`) until it reaches a value that is not a reference. */
export function deref<T>(spec: Spec, value: unknown): T {
  let current = value as { $ref?: string };
  while (current && typeof current.$ref === "string") {
    const path = current.$ref.replace(/^#\//, "").split("/");
    current = path.reduce((node: any, key) => node?.[key.replaceAll("~1", "/").replaceAll("~0", "~")], spec);
    if (current === undefined) throw new Error(`Unresolved $ref ${String(value)}`);
  }
  return current as T;
}

/** Compiles schemas of the spec with JSON Schema 2020-12 (the spec's dialect), `$ref`s resolved in place. */
export function schemaValidator(spec: Spec) {
  let compiled = 0;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajvFormats.default(ajv); // a CommonJS module: its function is `default` when imported from ESM
  ajv.addSchema({ $id: "spec:", components: spec.components });
  return (schema: Schema) => {
    const validate = ajv.compile({ $id: `spec:check-${++compiled}`, ...rebase(schema) });
    return (value: unknown) => (validate(value) ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.message}`));
  };
}

/** Points `#/components/...` refs at the document registered as `spec:`. */
function rebase(schema: Schema): Schema {
  return JSON.parse(JSON.stringify(schema).replaceAll('"$ref":"#/', '"$ref":"spec:#/'));
}

/** The spec's responses to requests no operation matches, by the status the server answers them with. */
export const unmatchedResponses = { 404: "NotFound", 405: "MethodNotAllowed" } as const;

export const operation = (spec: Spec) => spec.paths["/customer"].post;

/** Every documented response of createCustomer, resolved, by status. */
export function responses(spec: Spec): Record<string, ResponseObject> {
  return Object.fromEntries(
    Object.entries(operation(spec).responses).map(([status, response]) => [status, deref<ResponseObject>(spec, response)]),
  );
}

/** The first named example of a media type, resolved to its value. */
export function firstExample(spec: Spec, media: MediaTypeObject): unknown {
  const first = Object.values(media.examples ?? {})[0];
  return deref<{ value: unknown }>(spec, first).value;
}

export interface FlatSchema {
  type?: string;
  format?: string;
  enum?: unknown[];
  properties: Record<string, FlatSchema>;
  required: string[];
  /** No property beyond `properties` is allowed. */
  closed: boolean;
  items?: FlatSchema;
}

/** Resolves `$ref`s and merges `allOf` parts, so a schema can be compared with the contract table. */
export function flatten(spec: Spec, schema: unknown): FlatSchema {
  const resolved = deref<Schema>(spec, schema);
  const parts = ((resolved.allOf as unknown[]) ?? []).map((part) => flatten(spec, part));
  const own = Object.fromEntries(
    Object.entries((resolved.properties as Record<string, unknown>) ?? {}).map(([name, sub]) => [name, flatten(spec, sub)]),
  );
  return {
    type: (resolved.type as string) ?? parts.find((part) => part.type)?.type,
    format: resolved.format as string | undefined,
    enum: resolved.enum as unknown[] | undefined,
    properties: Object.assign({}, ...parts.map((part) => part.properties), own),
    required: [...parts.flatMap((part) => part.required), ...((resolved.required as string[]) ?? [])],
    closed: resolved.additionalProperties === false || resolved.unevaluatedProperties === false,
    items: resolved.items === undefined ? undefined : flatten(spec, resolved.items),
  };
}
