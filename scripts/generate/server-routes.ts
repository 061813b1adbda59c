// One operation's route in the generated server (how the runtime routes, validates and answers it), and
// the generator's refusals: a spec whose operations do not document what the runtime sends, refuse what
// the contract tolerates, or derive text bodies from nowhere is not generated.
import { invalidInputSituation, type RuntimeSituation } from "../../src/server-errors.js";
import { textFromSteps } from "../../src/text-bodies.js";
import { type FlatSchema, type OperationModel, type ResponseModel, type SpecModel } from "../shared/spec-model.js";
import { parameterLocations, parametersIn, validatorName } from "./validators.js";

const list = (values: readonly string[]) => `[${values.map((v) => JSON.stringify(v)).join(", ")}]`;

const bodySituations: RuntimeSituation[] = [
  "malformedJson",
  "notUtf8",
  "loneSurrogate",
  "emptyBody",
  "notAnObject",
  "nestedTooDeep",
  "wrongContentType",
  "unknownField",
];

/** The status a request failing validation gets: 422 where the operation documents it, else 400. */
const invalidStatus = (op: OperationModel) => (op.responses.some((r) => r.status === 422) ? 422 : 400);

/** What the runtime answers by itself, by status and situation: every operation must document these. */
function runtimeAnswers(model: SpecModel, op: OperationModel): Record<number, RuntimeSituation[]> {
  const answers: Record<number, RuntimeSituation[]> = { 406: ["notAcceptable"], 500: ["unexpected"] };
  if (model.apiKeyHeaders(op).length > 0) answers[401] = ["invalidApiKey"];
  if (op.requestBody) Object.assign(answers, { 400: [...bodySituations], 413: ["payloadTooLarge"] });
  if (op.requestBody || op.parameters.length > 0) {
    const status = invalidStatus(op);
    (answers[status] ??= []).push(invalidInputSituation(status));
  }
  return answers;
}

/** Refuses an operation that does not document, with their codes, the errors the runtime sends for it. */
function checkRuntimeAnswers(model: SpecModel, op: OperationModel): void {
  const catalogue = model.errorCatalogue();
  for (const [status, situations] of Object.entries(runtimeAnswers(model, op))) {
    const response = model.response(op, Number(status));
    if (!response) throw new Error(`${op.operationId} must document ${status}: the server runtime sends it.`);
    const codeSchema = model.shape(response.content["application/json"]?.schema).properties.error;
    const codes = codeSchema && model.shape(codeSchema).enum;
    for (const situation of situations) {
      const entry = catalogue[situation]!;
      if (!codes?.includes(entry.error)) {
        throw new Error(
          `${op.operationId} ${status}: the error enum must list ${entry.error} (${situation}), which the server runtime sends.`,
        );
      }
    }
  }
}

const admitsNull = (schema: FlatSchema): boolean =>
  [schema.type].flat().includes("null") || (schema.oneOf ?? []).some(admitsNull);
/** The shapes a value may take besides `null`. */
const notNull = (schema: FlatSchema): FlatSchema[] => (schema.oneOf ? schema.oneOf.flatMap(notNull) : [schema]);

/**
 * Refuses a request body whose schema disagrees with the runtime's reading of `null`, which drops every
 * `null` property before validation ("not sent"): at any depth, an optional property must admit `null`, so
 * that the mock and other generators accept what the server accepts, and a required one must not (a
 * `null` there is answered "is required").
 */
function checkNullTolerance(model: SpecModel, op: OperationModel): void {
  const schema = model.requestSchema(op);
  const visit = (node: FlatSchema, path: string) => {
    for (const [name, property] of Object.entries(node.properties)) {
      const required = node.required.includes(name);
      if (required === admitsNull(property)) {
        const must = required
          ? "must not admit null (it is required)"
          : "must admit null (it is optional: null reads as not sent)";
        throw new Error(`${op.operationId}: request body property ${path}${name} ${must}.`);
      }
      for (const shape of notNull(property)) visit(shape.items ?? shape, `${path}${name}${shape.items ? "[]" : ""}.`);
    }
  };
  if (schema) visit(model.flatten(schema), "");
}

/** How an error response carries `fields`: not at all, one object, or an array. */
function fieldsShape(model: SpecModel, response: ResponseModel | undefined): string | undefined {
  if (!response) return undefined;
  const fields = model.shape(response.content["application/json"]?.schema).properties.fields;
  if (!fields) return '"none"';
  return model.shape(fields).types?.includes("array") ? '"list"' : '"one"';
}

/** The type the runtime coerces a parameter's text to, with the format it checks. */
function parameterLine(model: SpecModel, op: OperationModel, location: string, name: string, schema: unknown): string {
  const shape = model.shape(schema);
  const type = shape.types?.[0] ?? "string";
  const itemType = shape.items ? model.shape(shape.items).types?.[0] : undefined;
  const supported = ["string", "integer", "number", "boolean"];
  if (!(supported.includes(type) || (type === "array" && supported.includes(itemType ?? "")))) {
    throw new Error(
      `${op.operationId}: parameter ${name} must be a string, integer, number, boolean or an array of them.`,
    );
  }
  const format =
    type === "integer"
      ? shape.format
      : type === "array" && itemType === "integer"
        ? model.shape(shape.items).format
        : undefined;
  const parts = [
    `name: ${JSON.stringify(name)}`,
    `in: "${location}"`,
    `type: "${type}"`,
    itemType ? `items: "${itemType}"` : "",
    format ? `format: ${JSON.stringify(format)}` : "",
  ];
  return `      { ${parts.filter(Boolean).join(", ")} },`;
}

/**
 * Checks that an `x-text-from` path (`url`, `[].url`, `fields[].name`) leads to strings in the JSON body,
 * so the runtime can always build the text/plain body from the JSON one.
 */
function checkTextFrom(model: SpecModel, op: OperationModel, response: ResponseModel): string | undefined {
  const text = response.content["text/plain"];
  if (!text) return undefined;
  const where = `${op.operationId} ${response.status} text/plain`;
  const json = response.content["application/json"];
  if (!json?.schema || !text.textFrom)
    throw new Error(`${where} needs an application/json twin and x-text-from (where its text comes from).`);
  let node = model.flatten(json.schema);
  for (const step of textFromSteps(text.textFrom)) {
    const next = step === "[]" ? node.items : node.properties[step];
    if (!next)
      throw new Error(`${where}: x-text-from ${text.textFrom} does not lead anywhere in the JSON body (at ${step}).`);
    node = next;
  }
  if (node.type !== "string") throw new Error(`${where}: x-text-from ${text.textFrom} must lead to strings.`);
  return text.textFrom;
}

export function route(model: SpecModel, op: OperationModel): string[] {
  checkRuntimeAnswers(model, op);
  checkNullTolerance(model, op);
  const validators = parameterLocations
    .filter((location) => parametersIn(op, location).length > 0)
    .map((location) => `${location}: validators.${validatorName.parameters(op, location)} as Validator`);
  const body = op.requestBody;
  if (body && !body.content["application/json"])
    throw new Error(`${op.operationId}: a request body must be application/json.`);
  const responseLines = op.responses.map((response) => {
    const { status, content } = response;
    const textFrom = checkTextFrom(model, op, response);
    const parts = [
      `mediaTypes: ${list(Object.keys(content))}`,
      content["application/json"] ? `validate: validators.${validatorName.response(op, status)} as Validator` : "",
      textFrom ? `textFrom: ${JSON.stringify(textFrom)}` : "",
    ];
    return `      ${status}: { ${parts.filter(Boolean).join(", ")} },`;
  });
  const errorFields = [400, 422]
    .map((status) => [status, fieldsShape(model, model.response(op, status))])
    .filter(([, shape]) => shape);
  return [
    `  ${op.operationId}: {`,
    `    operationId: ${JSON.stringify(op.operationId)},`,
    `    method: ${JSON.stringify(op.method)},`,
    `    path: ${JSON.stringify(op.path)},`,
    `    apiKeyHeaders: ${list(model.apiKeyHeaders(op))},`,
    "    parameters: [",
    ...op.parameters.map((p) => parameterLine(model, op, p.in, p.name, p.schema)),
    "    ],",
    `    validateParameters: { ${validators.join(", ")} },`,
    ...(body
      ? [`    body: { required: ${body.required}, validate: validators.${validatorName.body(op)} as Validator },`]
      : []),
    `    invalidStatus: ${invalidStatus(op)},`,
    `    errorFields: { ${errorFields.map(([status, shape]) => `${status}: ${shape}`).join(", ")} },`,
    "    responses: {",
    ...responseLines,
    "    },",
    "  },",
  ];
}
