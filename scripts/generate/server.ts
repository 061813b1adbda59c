// generated/server.ts: the handler contract (one typed function per operation) and the route table the
// server runtime (src/server-runtime.ts) serves.
import { runtimeSituations, type RuntimeSituation } from "../../src/server-errors.js";
import { comment, errorCatalogue, type OpenApi, type OperationModel, operationTitle, resolve, type Schema } from "../shared/spec-model.js";
import { parametersSchema, validatorName } from "./validators.js";

const list = (values: readonly string[]) => `[${values.map((v) => JSON.stringify(v)).join(", ")}]`;

const bodySituations: RuntimeSituation[] = ["malformedJson", "notUtf8", "loneSurrogate", "emptyBody", "notAnObject", "wrongContentType", "unknownField"];

/** What the runtime answers by itself, by status and situation: every operation must document these. */
function runtimeAnswers(op: OperationModel): Record<number, RuntimeSituation[]> {
  const answers: Record<number, RuntimeSituation[]> = { 401: ["invalidApiKey"], 406: ["notAcceptable"], 500: ["unexpected"] };
  if (op.requestBody) Object.assign(answers, { 400: bodySituations, 413: ["payloadTooLarge"], 422: ["fieldValidation"] });
  else if (op.parameters.length > 0) answers[422] = ["fieldValidation"];
  return answers;
}

/** Refuses an operation that does not document, with their codes, the errors the runtime sends for it. */
function checkRuntimeAnswers(api: OpenApi, op: OperationModel): void {
  const catalogue = errorCatalogue(api);
  for (const [status, situations] of Object.entries(runtimeAnswers(op))) {
    const response = op.responses.find((r) => r.status === Number(status));
    if (!response) throw new Error(`${op.operationId} must document ${status}: the server runtime sends it.`);
    const codeSchema = properties(api, response.content["application/json"]?.schema).error;
    const codes = codeSchema && (resolve<Schema>(api, codeSchema).enum as string[] | undefined);
    for (const situation of situations) {
      const entry = catalogue[situation];
      if (!entry) throw new Error(`x-error-catalogue has no ${situation}: the server runtime sends it.`);
      if (!codes?.includes(entry.error)) {
        throw new Error(`${op.operationId} ${status}: the error enum must list ${entry.error} (${situation}), which the server runtime sends.`);
      }
    }
  }
}

/** Every property of an object schema, through `$ref` and `allOf`. */
function properties(api: OpenApi, schema: Schema | undefined): Record<string, Schema> {
  if (!schema) return {};
  const resolved = resolve<Schema>(api, schema as Schema);
  const parts = ((resolved.allOf as Schema[] | undefined) ?? []).map((part) => properties(api, part));
  return Object.assign({}, ...parts, resolved.properties as Record<string, Schema> | undefined);
}

/**
 * The JSON property whose value is the text/plain body (the customer's `url`, an error's `message`):
 * the one whose schema is the same `$ref` as the text/plain schema.
 */
function textProperty(api: OpenApi, op: OperationModel, status: number, content: OperationModel["responses"][0]["content"]) {
  const textRef = content["text/plain"]?.schema?.$ref;
  const match = Object.entries(properties(api, content["application/json"]?.schema)).find(
    ([, schema]) => textRef !== undefined && schema.$ref === textRef,
  );
  if (!match) {
    throw new Error(
      `${op.operationId} ${status}: the text/plain schema must be a $ref that one property of the JSON body also uses.`,
    );
  }
  return match[0];
}

function route(api: OpenApi, op: OperationModel): string[] {
  checkRuntimeAnswers(api, op);

  const parameterLines = (["header", "path", "query"] as const).flatMap((location) =>
    parametersSchema(op, location)
      ? [
          `      ${location}: {`,
          `        names: ${list(op.parameters.filter((p) => p.in === location).map((p) => p.name))},`,
          `        validate: validators.${validatorName.parameters(op, location)} as Validator,`,
          "      },",
        ]
      : [],
  );
  const body = op.requestBody;
  const bodyLines = body?.jsonSchema
    ? [
        "    body: {",
        `      required: ${body.required},`,
        `      validate: validators.${validatorName.body(op)} as Validator,`,
        "    },",
      ]
    : [];
  const mediaTypes = [...new Set(op.responses.flatMap((r) => Object.keys(r.content)))];
  const responseLines = op.responses.map(({ status, content }) => {
    const parts = [
      content["application/json"] ? `validate: validators.${validatorName.response(op, status)} as Validator` : undefined,
      content["text/plain"] ? `textProperty: ${JSON.stringify(textProperty(api, op, status, content))}` : undefined,
    ].filter(Boolean);
    return `      ${status}: { ${parts.join(", ")} },`;
  });
  return [
    `  ${op.operationId}: {`,
    `    operationId: ${JSON.stringify(op.operationId)},`,
    `    method: ${JSON.stringify(op.method)},`,
    `    path: ${JSON.stringify(op.path)},`,
    "    parameters: {",
    ...parameterLines,
    "    },",
    ...bodyLines,
    `    responseMediaTypes: ${list(mediaTypes)},`,
    "    responses: {",
    ...responseLines,
    "    },",
    "  },",
  ];
}

/** The catalogue as a constant, one situation per line. */
function catalogueLines(api: OpenApi): string[] {
  const catalogue = errorCatalogue(api);
  const missing = Object.keys(runtimeSituations).filter((situation) => !(situation in catalogue));
  if (missing.length > 0) throw new Error(`x-error-catalogue lacks ${missing.join(", ")}: the server runtime sends them.`);
  return Object.entries(catalogue).map(([situation, { error, message }]) => `  ${situation}: { error: ${JSON.stringify(error)}, message: ${JSON.stringify(message)} },`);
}

export function serverSource(api: OpenApi, operations: OperationModel[], apiKeyHeader: string): string {
  return [
    'import type { operations } from "./types.js";',
    'import { createHttpServerWith, type HttpServerLimits } from "../src/http-server.js";',
    "import {",
    "  createListener,",
    "  type Handler,",
    "  type HandlerRequest,",
    "  type HandlerResponse,",
    "  type ListenerOptions,",
    "  type Route,",
    "  type Validator,",
    '} from "../src/server-runtime.js";',
    'import { errorFrom, type PlaceholderValues } from "../src/server-errors.js";',
    'import * as validators from "./validators.js";',
    "",
    'export type { HandlerRequest, HandlerResponse, ListenerOptions, LogEntry, RequestContext } from "../src/server-runtime.js";',
    'export { sendError } from "../src/answers.js";',
    'export { stopGracefully } from "../src/http-server.js";',
    "",
    ...operations.flatMap((op) => [
      `/** What the \`${op.operationId}\` handler receives. */`,
      `export type ${op.typeName}HandlerRequest = HandlerRequest<operations[${JSON.stringify(op.operationId)}]>;`,
      `/** What the \`${op.operationId}\` handler returns; annotate the handler with it to reject extra body properties too. */`,
      `export type ${op.typeName}HandlerResponse = HandlerResponse<operations[${JSON.stringify(op.operationId)}]>;`,
      "",
    ]),
    "/** What a server implements: one function per operation of the spec. */",
    "export interface Handlers {",
    ...operations.flatMap((op) => [...comment([operationTitle(op)], "  "), `  ${op.operationId}: Handler<operations[${JSON.stringify(op.operationId)}]>;`]),
    "}",
    "",
    "/** Every operation of the spec: how the runtime routes, validates and answers it. */",
    "export const routes: { readonly [Id in keyof Handlers]: Route } = {",
    ...operations.flatMap((op) => route(api, op)),
    "};",
    "",
    "/** The header that carries the API key (the spec's security scheme). */",
    `export const apiKeyHeader = ${JSON.stringify(apiKeyHeader)};`,
    "",
    "/** The spec's error catalogue (spec/errors.yaml): the code and message of every error the server sends. */",
    "export const errorCatalogue = {",
    ...catalogueLines(api),
    "} as const;",
    "",
    "/** A catalogue error's body, its `{placeholders}` filled in, e.g. `errorBody(\"unknownField\", { name: \"x\" })`. */",
    "export function errorBody<S extends keyof typeof errorCatalogue>(",
    "  situation: S,",
    '  ...values: PlaceholderValues<(typeof errorCatalogue)[S]["message"]>',
    '): { error: (typeof errorCatalogue)[S]["error"]; message: string } {',
    '  return errorFrom(errorCatalogue, situation, values[0]) as { error: (typeof errorCatalogue)[S]["error"]; message: string };',
    "}",
    "",
    "/** A node:http server for the listener, with limits for the public internet: `createHttpServer().on(\"request\", listener)`. */",
    "export const createHttpServer = (limits?: HttpServerLimits) => createHttpServerWith(errorCatalogue, limits);",
    "",
    "/**",
    " * A Node `http.RequestListener` serving every operation: routing, API-key check, content negotiation,",
    " * validation and the contract's error bodies. Also mounts as Express/Connect middleware.",
    " */",
    "export function createRequestListener(options: ListenerOptions<Handlers>) {",
    "  return createListener({ routes, apiKeyHeader, errorCatalogue }, options);",
    "}",
    "",
  ].join("\n");
}
