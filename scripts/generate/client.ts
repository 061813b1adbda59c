// generated/client.ts: a typed client with one method per operation, on src/client-runtime.ts.
import { comment, type OperationModel, operationTitle } from "../shared/spec-model.js";

function method(op: OperationModel): string[] {
  const type = op.typeName;
  const hasBody = op.requestBody?.jsonSchema !== undefined;
  const optionsRequired = op.parameters.some((p) => p.in === "path");
  const statuses = op.responses.map((r) => r.status).join(", ");
  const docs = [operationTitle(op), ...(op.description ? ["", ...op.description.trimEnd().split("\n")] : [])];
  return [
    ...comment(docs, "    "),
    `    ${op.operationId}<Accept extends ResponseMediaType<${type}> = "application/json">(`,
    ...(hasBody ? [`      body: RequestBody<${type}>,`] : []),
    `      options${optionsRequired ? "" : "?"}: CallOptions<${type}, Accept>,`,
    `    ): Promise<${type}Result<Accept>> {`,
    `      const operation = { method: "${op.method}", path: ${JSON.stringify(op.path)}, statuses: [${statuses}] } as const;`,
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

export function clientSource(operations: OperationModel[], apiKeyHeader: string): string {
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
    ...operations.flatMap(operationTypes),
    "/** A typed client with one method per operation of the spec. */",
    "export function createClient(options: ClientOptions) {",
    `  const call = createCaller(options, ${JSON.stringify(apiKeyHeader)});`,
    "  return {",
    ...operations.flatMap(method),
    "  };",
    "}",
    "",
    "export type Client = ReturnType<typeof createClient>;",
    "",
  ].join("\n");
}
