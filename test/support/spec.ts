// The bundled spec (generated/openapi.yaml) through the spec model, and schema validation against it, for tests.
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import { type MediaTypeModel, type OperationModel, type Schema, SpecModel } from "../../scripts/shared/spec-model.js";

export { type FlatSchema, type OperationModel, SpecModel } from "../../scripts/shared/spec-model.js";

export const model = SpecModel.load();

/** The spec's responses to requests no operation matches, by the status the server answers them with. */
export const unmatchedResponses = { 404: "NotFound", 405: "MethodNotAllowed" } as const;

/** Compiles schemas of the spec with JSON Schema 2020-12 (the spec's dialect), `$ref`s resolved in place. */
export function schemaValidator(spec: SpecModel = model) {
  let compiled = 0;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajvFormats.default(ajv); // a CommonJS module: its function is `default` when imported from ESM
  ajv.addSchema({ $id: "spec:", components: { schemas: spec.schemas() } });
  return (schema: Schema) => {
    const validate = ajv.compile({ $id: `spec:check-${++compiled}`, ...rebase(schema) });
    return (value: unknown) =>
      validate(value) ? [] : (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.message}`);
  };
}

/** Points `#/components/...` refs at the document registered as `spec:`. */
function rebase(schema: Schema): Schema {
  return JSON.parse(JSON.stringify(schema ?? {}).replaceAll('"$ref":"#/', '"$ref":"spec:#/'));
}

/** The first named example of a media type, resolved to its value. */
export function firstExample(media: MediaTypeModel, spec: SpecModel = model): unknown {
  return spec.example(Object.values(media.examples)[0]);
}

export interface DocumentedAnswer {
  op: OperationModel;
  status: number;
  /** Undefined for a status without a body (204). */
  mediaType?: string;
  media?: MediaTypeModel;
}

/** Every documented status and media type of every operation. */
export function documentedAnswers(spec: SpecModel = model): DocumentedAnswer[] {
  return spec.operations.flatMap((op): DocumentedAnswer[] =>
    op.responses.flatMap((response): DocumentedAnswer[] =>
      Object.keys(response.content).length === 0
        ? [{ op, status: response.status }]
        : Object.entries(response.content).map(([mediaType, media]) => ({
            op,
            status: response.status,
            mediaType,
            media,
          })),
    ),
  );
}

/** The JSON schema of a status of an operation (for 404 and 405 of no operation, the spec's NotFound and MethodNotAllowed). */
export function jsonSchemaOf(op: OperationModel | undefined, status: number, spec: SpecModel = model): Schema {
  const unmatched = unmatchedResponses[status as keyof typeof unmatchedResponses];
  const response =
    op?.responses.find((r) => r.status === status) ?? (unmatched ? spec.sharedResponse(unmatched) : undefined);
  const schema = response?.content["application/json"]?.schema;
  if (!schema) throw new Error(`${op?.operationId ?? "no operation"} documents no JSON ${status}`);
  return schema;
}
