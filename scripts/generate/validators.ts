// generated/validators.ts: request and response validators, compiled from the spec's schemas at
// generation time with Ajv (JSON Schema 2020-12, formats included) and emitted as standalone code, so a
// server compiles nothing when it starts.
import { _, Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import standaloneCode from "ajv/dist/standalone/index.js";
import type { OperationModel, ParameterModel, Schema, SpecModel } from "../shared/spec-model.js";

/** OpenAPI's own schema keywords, which JSON Schema does not know: annotations for the validators. */
const openApiKeywords = ["example", "discriminator", "xml", "externalDocs"];

export type ParameterLocation = "header" | "path" | "query";
export const parameterLocations: readonly ParameterLocation[] = ["header", "path", "query"];

/** Validator export names, shared with the server generator. */
export const validatorName = {
  parameters: (op: OperationModel, location: string) =>
    `${op.operationId}${location[0]!.toUpperCase()}${location.slice(1)}Parameters`,
  body: (op: OperationModel) => `${op.operationId}Body`,
  response: (op: OperationModel, status: number) => `${op.operationId}Response${status}`,
};

/**
 * A schema as Ajv gets it: `#/components/schemas/X` refs pointed at the schema registered as `X`, and
 * the kit's `x-` extensions (annotations for the generator) left out.
 */
const forAjv = (schema: unknown): Schema =>
  JSON.parse(
    JSON.stringify(schema, (key, value) => (key.startsWith("x-") ? undefined : value)).replace(
      /"\$ref":"#\/components\/schemas\/([^"]+)"/g,
      '"$ref":"$1"',
    ),
  );

/** The parameters of one location, as the runtime coerces them from text (see src/parameters.ts). */
export function parametersIn(op: OperationModel, location: ParameterLocation): ParameterModel[] {
  return op.parameters.filter((p) => p.in === location);
}

/** The schema of an operation's parameters in one location, as one object schema keyed by name. */
function parametersSchema(op: OperationModel, location: ParameterLocation): Schema | undefined {
  const parameters = parametersIn(op, location);
  if (parameters.length === 0) return undefined;
  return {
    type: "object",
    properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])),
    required: parameters.filter((p) => p.required).map((p) => p.name),
  };
}

export function validatorsSource(model: SpecModel): string {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    // createCase's `anyOf` requires customerId or customId, which another part of its `allOf` defines:
    // strictRequired looks for them in the branch and its parent only.
    strictRequired: false,
    code: { source: true, esm: true, formats: _`fullFormats` },
  });
  ajvFormats.default(ajv); // a CommonJS module: its function is `default` when imported from ESM
  ajv.addVocabulary(openApiKeywords);
  for (const [name, schema] of Object.entries(model.schemas())) ajv.addSchema(forAjv(schema), name);

  const exported: Record<string, string> = {};
  const add = (name: string, schema: Schema) => {
    ajv.addSchema(forAjv(schema), name);
    exported[name] = name;
  };
  for (const op of model.operations) {
    for (const location of parameterLocations) {
      const schema = parametersSchema(op, location);
      if (schema) add(validatorName.parameters(op, location), schema);
    }
    const body = model.requestSchema(op);
    if (body) add(validatorName.body(op), body);
    for (const { status, content } of op.responses) {
      const schema = content["application/json"]?.schema;
      if (schema) add(validatorName.response(op, status), schema);
    }
  }
  const code = standaloneCode.default(ajv, exported).replace(/^"use strict";/, "");
  // Ajv tracks at run time which properties an anyOf/oneOf evaluated when one of its branches lists
  // `properties` under an `unevaluatedProperties` (seen with Ajv 8.20): its tracking object then takes
  // `constructor`, `toString` or `__proto__` for known properties, and lets them through.
  if (code.includes('"dynamicProps":true')) {
    throw new Error(
      "A schema needs Ajv to track evaluated properties at run time (an anyOf/oneOf branch with properties under unevaluatedProperties): write its branches with `required` only.",
    );
  }
  // Ajv's code would load its string-length helper with require(), which ES modules and edge runtimes lack:
  // it counts code points, as iterating a string does.
  const withoutRequire = code.replaceAll('require("ajv/dist/runtime/ucs2length").default', "codePoints");
  if (withoutRequire.includes("require("))
    throw new Error("Ajv's code needs a runtime helper this generator does not provide.");
  return [
    "// @ts-nocheck: Ajv's standalone code, untyped; generated/server.ts gives each validator its type.",
    'import { fullFormats } from "ajv-formats/dist/formats.js";',
    "",
    "/** A string's length in code points (JSON Schema's minLength and maxLength count them). */",
    "const codePoints = (text) => {",
    "  let count = 0;",
    "  for (const _ of text) count++;",
    "  return count;",
    "};",
    withoutRequire,
    "",
  ].join("\n");
}
