// What verify reads from the spec, through the spec model and the generated route table: the operations,
// their statuses and media types, which are the kit's additions, which records a path names, which bodies
// are closed, and the key header. Nothing here names an operation, a field or a status of its own.
import { createRequire } from "node:module";
import { type Handlers, objectStructures, routes } from "../../generated/server.js";
import type { Route } from "../../src/types.js";
import { type FlatSchema, type OperationModel, type ResponseModel, SpecModel } from "../shared/spec-model.js";

/** The bundled spec that ships with the kit (generated/openapi.yaml), found as the package's own export. */
const bundledSpec = createRequire(import.meta.url).resolve("khoros-crm-kit/openapi.yaml");

export const model = SpecModel.load(bundledSpec);

export type OperationId = keyof Handlers;

export const operations: OperationModel[] = model.operations;

export const routeOf = (op: OperationModel): Route => routes[op.operationId as OperationId];

/** The statuses an operation answers when it succeeds. */
export const successStatuses = (op: OperationModel): number[] =>
  op.responses.filter((r) => r.status < 300).map((r) => r.status);

/** An operation that creates or changes records answers 201 (its documented success); one that reads, 200. */
export const writes = (op: OperationModel): boolean => op.method !== "GET" && successStatuses(op).includes(201);

/**
 * A status the kit added to the vendor's list: its response's description starts with "**Kit addition.**".
 * A server that does not honour one is warned, not failed: it is judged by the vendor's contract.
 */
export const isKitAddition = (response: ResponseModel | undefined): boolean =>
  /^\*\*Kit addition\.\*\*/.test(response?.description ?? "");

export const severityOf = (op: OperationModel, status: number) =>
  isKitAddition(model.response(op, status)) ? "warn" : "fail";

/** The header that carries the key, as the operation's security scheme names it. */
export const keyHeaderOf = (op: OperationModel): string | undefined => model.apiKeyHeaders(op)[0];

/** The JSON body schema of an operation, resolved, if it takes one. */
export function bodySchemaOf(op: OperationModel): FlatSchema | undefined {
  const schema = model.requestSchema(op);
  return schema && model.flatten(schema);
}

/** The `error` codes a status of an operation documents (its schema's enum). */
export function errorCodesOf(op: OperationModel, status: number): string[] {
  const schema = model.response(op, status)?.content["application/json"]?.schema;
  return schema ? ((model.flatten(schema).properties.error?.enum as string[] | undefined) ?? []) : [];
}

/**
 * What a path parameter names. An id below a path that an operation creates records at (`/customer/{id}`
 * below `POST /customer`) names one of those records; any other parameter (`/meta/object/{type}`) names a
 * CRM object whose custom fields the spec declares.
 */
export function pathParameterOf(op: OperationModel): { name: string; createdAt?: string } | undefined {
  const match = /^(.*)\/\{(\w+)\}/.exec(op.path);
  if (!match) return undefined;
  const [, parent, name] = match as unknown as [string, string, string];
  const creates = operations.some(
    (other) => other.path === parent && other.method === "POST" && successStatuses(other).includes(201),
  );
  return { name, ...(creates ? { createdAt: parent } : {}) };
}

/** The objects whose custom fields the spec declares (`customer`, `case`): the valid meta types. */
export const objectTypes = Object.keys(objectStructures);

/** The media types of a response (none for a 204). */
export const mediaTypesOf = (op: OperationModel, status: number): string[] =>
  Object.keys(model.response(op, status)?.content ?? {});

/** The spec's responses to what no operation matches: an unknown path and a method a path lacks. */
export function unmatchedResponse(name: "NotFound" | "MethodNotAllowed"): { schema: FlatSchema; codes: string[] } {
  const schema = model.flatten(model.sharedResponse(name)!.content["application/json"]!.schema);
  return { schema, codes: (schema.properties.error?.enum as string[]) ?? [] };
}
