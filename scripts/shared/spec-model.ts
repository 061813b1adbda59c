// The parts of a bundled OpenAPI 3.1 document the code generators read, and helpers to walk it.

export type Schema = Record<string, unknown>;

export interface Parameter {
  name: string;
  in: "header" | "path" | "query" | "cookie";
  required?: boolean;
  schema?: Schema;
}

export interface MediaType {
  schema?: Schema;
}

export interface Response {
  content?: Record<string, MediaType>;
}

export interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required?: boolean; content?: Record<string, MediaType> } | { $ref: string };
  responses?: Record<string, Response | { $ref: string }>;
}

export interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: {
    schemas?: Record<string, Schema>;
    securitySchemes?: Record<string, { type: string; in?: string; name?: string }>;
    /** The error catalogue (spec/errors.yaml): situation → code and message. */
    "x-error-catalogue"?: Record<string, { error: string; message: string }>;
  };
  security?: Record<string, string[]>[];
}

/** One operation with everything the generators need, `$ref`s resolved. */
export interface OperationModel {
  operationId: string;
  typeName: string;
  method: string;
  path: string;
  summary?: string;
  description?: string;
  parameters: Parameter[];
  requestBody?: { required: boolean; mediaTypes: string[]; jsonSchema?: Schema };
  responses: { status: number; content: Record<string, MediaType> }[];
}

const httpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Follows a local `$ref` (`#/components/...`) to what it points at. */
export function resolve<T>(api: OpenApi, value: T | { $ref: string }): T {
  let current: unknown = value;
  while (current && typeof current === "object" && "$ref" in current && typeof current.$ref === "string") {
    const ref = current.$ref;
    current = ref
      .replace(/^#\//, "")
      .split("/")
      .reduce<any>((node, key) => node?.[key.replaceAll("~1", "/").replaceAll("~0", "~")], api);
    if (current === undefined) throw new Error(`Cannot resolve ${ref}.`);
  }
  return current as T;
}

export function listOperations(api: OpenApi): OperationModel[] {
  return Object.entries(api.paths).flatMap(([path, item]) =>
    httpMethods
      .filter((method) => item[method])
      .map((method) => {
        const op = item[method]!;
        const where = `${method.toUpperCase()} ${path}`;
        if (!op.operationId) throw new Error(`${where} has no operationId.`);
        const body = op.requestBody ? resolve(api, op.requestBody) : undefined;
        return {
          operationId: op.operationId,
          typeName: op.operationId[0]!.toUpperCase() + op.operationId.slice(1),
          method: method.toUpperCase(),
          path,
          summary: op.summary,
          description: op.description,
          parameters: (op.parameters ?? []).map((p) => resolve(api, p)),
          requestBody: body && {
            required: body.required ?? false,
            mediaTypes: Object.keys(body.content ?? {}),
            jsonSchema: body.content?.["application/json"]?.schema,
          },
          responses: Object.entries(op.responses ?? {})
            .filter(([status]) => /^\d{3}$/.test(status))
            .map(([status, response]) => ({ status: Number(status), content: resolve(api, response).content ?? {} })),
        };
      }),
  );
}

/** The header that carries the API key, from the security scheme the spec applies to every operation. */
export function apiKeyHeader(api: OpenApi): string {
  const schemeName = Object.keys(api.security?.[0] ?? {})[0];
  const scheme = schemeName ? api.components?.securitySchemes?.[schemeName] : undefined;
  if (scheme?.type !== "apiKey" || scheme.in !== "header" || !scheme.name) {
    throw new Error("The spec's global security must be an apiKey scheme in a header.");
  }
  return scheme.name;
}

/** A JSDoc block. */
export function comment(lines: string[], indent: string): string[] {
  return [`${indent}/**`, ...lines.map((line) => `${indent} * ${line.replaceAll("*/", "*\\/")}`.trimEnd()), `${indent} */`];
}

/** The first line of an operation's JSDoc: summary, method and path. */
export const operationTitle = (op: OperationModel) => `${op.summary ?? op.operationId} (\`${op.method} ${op.path}\`).`;

/** The spec's error catalogue; every situation has a string code and message. */
export function errorCatalogue(api: OpenApi): Record<string, { error: string; message: string }> {
  const catalogue = api.components?.["x-error-catalogue"];
  if (!catalogue) throw new Error("The spec has no components.x-error-catalogue (spec/errors.yaml).");
  for (const [situation, entry] of Object.entries(catalogue)) {
    if (typeof entry?.error !== "string" || typeof entry.message !== "string") {
      throw new Error(`x-error-catalogue.${situation} needs a string error and message.`);
    }
  }
  return catalogue;
}
