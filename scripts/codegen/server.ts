// generated/server.ts: the handler contract (one typed function per operation) and the route table the
// server runtime (src/server-runtime.ts) serves.
import { comment, type OpenApi, type OperationModel, operationTitle, resolve, type Schema } from "./openapi.js";
import { parametersSchema, validatorName } from "./validators.js";

const list = (values: readonly string[]) => `[${values.map((v) => JSON.stringify(v)).join(", ")}]`;

/** Statuses the runtime answers by itself, so every operation must document them. */
function statusesTheRuntimeSends(op: OperationModel): number[] {
  const hasParameters = op.parameters.length > 0;
  return [401, 406, 500, ...(op.requestBody ? [400, 413, 422] : hasParameters ? [422] : [])];
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
  const documented = op.responses.map((r) => r.status);
  const missing = statusesTheRuntimeSends(op).filter((status) => !documented.includes(status));
  if (missing.length > 0) throw new Error(`${op.operationId} must document ${missing.join(", ")}: the server runtime sends them.`);

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

export function serverSource(api: OpenApi, operations: OperationModel[], apiKeyHeader: string): string {
  return [
    'import type { operations } from "./types.js";',
    "import {",
    "  createListener,",
    "  type Handler,",
    "  type HandlerRequest,",
    "  type HandlerResponse,",
    "  type ListenerOptions,",
    "  type Route,",
    "  type Validator,",
    '} from "../src/server-runtime.js";',
    'import * as validators from "./validators.js";',
    "",
    'export type { HandlerRequest, HandlerResponse, ListenerOptions, LogEntry, RequestContext } from "../src/server-runtime.js";',
    'export { createHttpServer, stopGracefully } from "../src/http-server.js";',
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
    "/**",
    " * A Node `http.RequestListener` serving every operation: routing, API-key check, content negotiation,",
    " * validation and the contract's error bodies. Also mounts as Express/Connect middleware.",
    " */",
    "export function createRequestListener(options: ListenerOptions<Handlers>) {",
    "  return createListener(routes, apiKeyHeader, options);",
    "}",
    "",
  ].join("\n");
}
