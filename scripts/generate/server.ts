// generated/server.ts: the handler contract (one typed function per operation), the route table the
// server runtime (src/pipeline.ts and its transports) serves, the error catalogue, the CRM objects' custom
// fields, and the entry points that serve the handlers.
import { runtimeSituations } from "../../src/server-errors.js";
import type { OperationModel, SpecModel } from "../shared/spec-model.js";
import { comment, operationTitle } from "./jsdoc.js";
import { route } from "./server-routes.js";

/** The catalogue as a constant, one situation per line. */
function catalogueLines(model: SpecModel): string[] {
  const catalogue = model.errorCatalogue();
  const missing = Object.keys(runtimeSituations).filter((situation) => !(situation in catalogue));
  if (missing.length > 0)
    throw new Error(`x-error-catalogue lacks ${missing.join(", ")}: the server runtime sends them.`);
  return Object.entries(catalogue).map(
    ([situation, { error, message }]) =>
      `  ${situation}: { error: ${JSON.stringify(error)}, message: ${JSON.stringify(message)} },`,
  );
}

/** The custom fields of each CRM object, one per line. */
function objectStructureLines(model: SpecModel): string[] {
  return Object.entries(model.customFields()).flatMap(([name, fields]) => [
    `  ${/^[A-Za-z_]\w*$/.test(name) ? name : JSON.stringify(name)}: {`,
    `    name: ${JSON.stringify(name)},`,
    "    fields: [",
    ...fields.map(
      (field) =>
        `      { ${Object.entries(field)
          .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
          .join(", ")} },`,
    ),
    "    ],",
    "  },",
  ]);
}

/** What the generated server imports of the runtime, and re-exports for a server's own endpoints. */
const importLines = [
  'import type { components, operations } from "./types.js";',
  'import { createFetchTransport, type FetchTransportOptions } from "../src/fetch-transport.js";',
  'import { createHttpServerWith, type HttpServerLimits } from "../src/http-server.js";',
  'import { createNodeListener } from "../src/node-transport.js";',
  'import { createPipeline } from "../src/pipeline.js";',
  'import { errorFrom, type PlaceholderValues } from "../src/server-errors.js";',
  'import type { Handler, HandlerRequest, HandlerResponse, Route, ServerOptions, Validator } from "../src/types.js";',
  'import * as validators from "./validators.js";',
  "",
  "export type {",
  "  HandlerRequest, HandlerResponse, ListenerOptions, LogEntry, RequestContext, RequestRecord, ServerOptions,",
  '} from "../src/types.js";',
  'export type { WithoutNulls } from "../src/operation-types.js";',
  "// For a server's own endpoints beside the API (pages, receivers): the same key check, errors and logs.",
  'export { createKeyChecker } from "../src/api-keys.js";',
  'export { sendError, sendJson, type RequestListener } from "../src/node-transport.js";',
  'export { describeError, logToStderr } from "../src/pipeline.js";',
  'export { relativePath } from "../src/router.js";',
  'export { stopGracefully } from "../src/http-server.js";',
  "",
];

/** Each operation's request and response types, and the Handlers interface. */
function handlerTypeLines(operations: OperationModel[]): string[] {
  return [
    ...operations.flatMap((op) => {
      const operation = `operations[${JSON.stringify(op.operationId)}]`;
      return [
        `/** What the \`${op.operationId}\` handler receives. */`,
        `export type ${op.typeName}HandlerRequest = HandlerRequest<${operation}>;`,
        `/** What the \`${op.operationId}\` handler returns; annotate the handler with it to reject extra body properties too. */`,
        `export type ${op.typeName}HandlerResponse = HandlerResponse<${operation}>;`,
        "",
      ];
    }),
    "/** What a server implements: one function per operation of the spec. */",
    "export interface Handlers {",
    ...operations.flatMap((op) => [
      ...comment([operationTitle(op)], "  "),
      `  ${op.operationId}: Handler<operations[${JSON.stringify(op.operationId)}]>;`,
    ]),
    "}",
    "",
  ];
}

/** The catalogue, errorBody and the object structures: the spec's facts as constants. */
function specFactLines(model: SpecModel): string[] {
  const errorType = '{ error: (typeof errorCatalogue)[S]["error"]; message: string }';
  return [
    "/** The spec's error catalogue (spec/errors.yaml): the code and message of every error the server sends. */",
    "export const errorCatalogue = {",
    ...catalogueLines(model),
    "} as const;",
    "",
    '/** A catalogue error\'s body, its `{placeholders}` filled in, e.g. `errorBody("customerNotFound", { id })`. */',
    "export function errorBody<S extends keyof typeof errorCatalogue>(",
    "  situation: S,",
    '  ...values: PlaceholderValues<(typeof errorCatalogue)[S]["message"]>',
    `): ${errorType} {`,
    `  return errorFrom(errorCatalogue, situation, values[0]) as ${errorType};`,
    "}",
    "",
    "/** A CRM object's custom fields, as `GET /meta/object/{type}` describes them. */",
    'export type ObjectStructure = components["schemas"]["ObjectStructure"];',
    "",
    "/**",
    " * The custom fields of each CRM object, from the spec's schemas marked `x-custom-fields-of`: what",
    " * `GET /meta/object/{type}` answers, and the fields the reference CRM's stores keep and search.",
    " */",
    "export const objectStructures = {",
    ...objectStructureLines(model),
    "} satisfies Record<string, ObjectStructure>;",
    "",
  ];
}

/** The three ways to serve the handlers: a node:http server, its listener, a fetch handler. */
const entryPointLines = [
  '/** A node:http server for the listener, with limits for the public internet: `createHttpServer().on("request", listener)`. */',
  "export const createHttpServer = (limits?: HttpServerLimits) => createHttpServerWith(errorCatalogue, limits);",
  "",
  "/**",
  " * A Node `http.RequestListener` serving every operation: routing, API-key check, content negotiation,",
  " * validation and the contract's error bodies. Also mounts as Express/Connect middleware.",
  " */",
  "export function createRequestListener(options: ServerOptions<Handlers>) {",
  "  return createNodeListener(createPipeline({ routes, errorCatalogue }, options), options);",
  "}",
  "",
  "/**",
  " * The same server as a Web-standard fetch handler, `(request: Request) => Promise<Response>`: for",
  " * serverless and edge platforms, and for calling the server in-process (tests), with no socket.",
  " */",
  "export function createFetchHandler(options: ServerOptions<Handlers> & FetchTransportOptions) {",
  "  return createFetchTransport(createPipeline({ routes, errorCatalogue }, options), options);",
  "}",
  "",
];

export function serverSource(model: SpecModel): string {
  return [
    ...importLines,
    ...handlerTypeLines(model.operations),
    "/** Every operation of the spec: how the runtime routes, validates and answers it. */",
    "export const routes: { readonly [Id in keyof Handlers]: Route } = {",
    ...model.operations.flatMap((op) => route(model, op)),
    "};",
    "",
    ...specFactLines(model),
    ...entryPointLines,
  ].join("\n");
}
