// generated/validators.ts: request and response validators, compiled from the spec's schemas at
// generation time with Ajv (JSON Schema 2020-12, formats included) and emitted as standalone code, so a
// server compiles nothing when it starts.
import { _, Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import standaloneCode from "ajv/dist/standalone/index.js";
import type { OpenApi, OperationModel, Schema } from "../shared/spec-model.js";

/** OpenAPI's own schema keywords, which JSON Schema does not know: annotations for the validators. */
const openApiKeywords = ["example", "discriminator", "xml", "externalDocs"];

/** Validator export names, shared with the server generator. */
export const validatorName = {
  parameters: (op: OperationModel, location: string) =>
    `${op.operationId}${location[0]!.toUpperCase()}${location.slice(1)}Parameters`,
  body: (op: OperationModel) => `${op.operationId}Body`,
  response: (op: OperationModel, status: number) => `${op.operationId}Response${status}`,
};

/** Points `#/components/schemas/X` refs at the schema registered under the id `X`. */
const rebase = (schema: unknown): Schema =>
  JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\/components\/schemas\/([^"]+)"/g, '"$ref":"$1"'));

/** The schema of an operation's parameters in one location, as one object schema keyed by name. */
export function parametersSchema(op: OperationModel, location: "header" | "path" | "query"): Schema | undefined {
  const parameters = op.parameters.filter((p) => p.in === location);
  if (parameters.length === 0) return undefined;
  for (const p of parameters) {
    // Parameters arrive as strings and are validated without coercion.
    if ((p.schema as { type?: string } | undefined)?.type !== "string") {
      throw new Error(`${op.operationId}: parameter ${p.name} must have a string schema.`);
    }
  }
  return {
    type: "object",
    properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])),
    required: parameters.filter((p) => p.required || location === "path").map((p) => p.name),
  };
}

export function validatorsSource(api: OpenApi, operations: OperationModel[]): string {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    code: { source: true, esm: true, formats: _`require("ajv-formats/dist/formats").fullFormats` },
  });
  ajvFormats.default(ajv); // a CommonJS module: its function is `default` when imported from ESM
  ajv.addVocabulary(openApiKeywords);
  for (const [name, schema] of Object.entries(api.components?.schemas ?? {})) ajv.addSchema(rebase(schema), name);

  const exported: Record<string, string> = {};
  const add = (name: string, schema: Schema) => {
    ajv.addSchema(rebase(schema), name);
    exported[name] = name;
  };
  for (const op of operations) {
    for (const location of ["header", "path", "query"] as const) {
      const schema = parametersSchema(op, location);
      if (schema) add(validatorName.parameters(op, location), schema);
    }
    if (op.requestBody?.jsonSchema) add(validatorName.body(op), op.requestBody.jsonSchema);
    for (const { status, content } of op.responses) {
      const schema = content["application/json"]?.schema;
      if (schema) add(validatorName.response(op, status), schema);
    }
  }
  const code = standaloneCode.default(ajv, exported).replace(/^"use strict";/, "");
  return [
    "// @ts-nocheck: Ajv's standalone code, untyped; generated/server.ts gives each validator its type.",
    'import { createRequire } from "node:module";',
    "",
    "// Ajv's code loads its runtime helpers (string length, formats) with require().",
    "const require = createRequire(import.meta.url);",
    code,
    "",
  ].join("\n");
}
