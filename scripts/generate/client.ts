// generated/client.ts: a typed client with one method per operation, on src/client-runtime.ts.
import { type OperationModel, type SpecModel } from "../shared/spec-model.js";
import { comment, operationTitle } from "./jsdoc.js";

function method(model: SpecModel, op: OperationModel): string[] {
  const type = op.typeName;
  const hasBody = model.requestSchema(op) !== undefined;
  const optionsRequired = op.parameters.some((p) => p.in === "path");
  const statuses = op.responses.map((r) => r.status).join(", ");
  const [apiKeyHeader] = model.apiKeyHeaders(op);
  const info = [
    `method: "${op.method}"`,
    `path: ${JSON.stringify(op.path)}`,
    `statuses: [${statuses}]`,
    apiKeyHeader ? `apiKeyHeader: ${JSON.stringify(apiKeyHeader)}` : "",
  ];
  const docs = [operationTitle(op), ...(op.description ? ["", ...op.description.trimEnd().split("\n")] : [])];
  return [
    ...comment(docs, "    "),
    `    ${op.operationId}<Accept extends ResponseMediaType<${type}> = "application/json">(`,
    ...(hasBody ? [`      body: RequestBody<${type}>,`] : []),
    `      options${optionsRequired ? "" : "?"}: CallOptions<${type}, Accept>,`,
    `    ): Promise<${type}Result<Accept>> {`,
    `      const operation = { ${info.filter(Boolean).join(", ")} } as const;`,
    `      return call(operation, ${hasBody ? "{ ...options, body }" : "options"}) as Promise<${type}Result<Accept>>;`,
    "    },",
  ];
}

function operationTypes(op: OperationModel): string[] {
  const type = op.typeName;
  return [
    `type ${type} = operations[${JSON.stringify(op.operationId)}];`,
    `/** What \`${op.operationId}\` resolves to, discriminated by \`status\`. */`,
    `export type ${type}Result<Accept extends ResponseMediaType<${type}> = "application/json"> = Result<${type}, Accept>;`,
    "",
  ];
}

export function clientSource(model: SpecModel): string {
  return [
    'import type { operations } from "./types.js";',
    "import {",
    "  type CallOptions,",
    "  type ClientOptions,",
    "  createCaller,",
    "  type RequestBody,",
    "  type ResponseMediaType,",
    "  type Result,",
    '} from "../src/client-runtime.js";',
    "",
    'export { type ClientOptions, UnexpectedResponseError } from "../src/client-runtime.js";',
    "",
    ...model.operations.flatMap(operationTypes),
    "/** A typed client with one method per operation of the spec. */",
    "export function createClient(options: ClientOptions) {",
    "  const call = createCaller(options);",
    "  return {",
    ...model.operations.flatMap((op) => method(model, op)),
    "  };",
    "}",
    "",
    "export type Client = ReturnType<typeof createClient>;",
    "",
  ].join("\n");
}
