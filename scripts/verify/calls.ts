// A valid call of each operation, as Khoros makes it: the body's custom fields from the spec's declarations
// (objectStructures), the context headers from the spec's examples, the records a path or a case names
// taken from what this run created. What no schema states (which record a case names, what a search looks
// for) is written here once, typed by the generated types so that a change of the spec breaks the build.
import { createHash } from "node:crypto";
import { objectStructures, routes } from "../../generated/server.js";
import type { operations } from "../../generated/types.js";
import type { OperationModel } from "../shared/spec-model.js";
import { idOf, newest, type VerifyRequest, type World } from "./check.js";
import { keyHeaderOf, model, objectTypes, type OperationId, pathParameterOf } from "./spec-facts.js";

export type JsonBody<Id extends OperationId> = operations[Id] extends {
  requestBody: { content: { "application/json": infer B } };
}
  ? B
  : never;
type BodyMaker<Id extends OperationId> = (world: World) => JsonBody<Id> | string;
type Field = { name: string; type: string; searchable: boolean; listValues?: { value: string }[] };

export const customerFields: readonly Field[] = objectStructures.customer.fields;
const caseFields: readonly Field[] = objectStructures.case.fields;
export const searchableFields = customerFields.filter((field) => field.searchable && field.type === "text");

/** A value a custom field accepts: text as given, a checkbox's "true", a list's first value. */
const sample = (field: Field, text: string): string =>
  field.type === "checkbox" ? "true" : field.type === "single_sel_list" ? field.listValues![0]!.value : text;

/** Every custom field of an object, each holding a value named after the run's prefix. */
export function customFields(fields: readonly Field[], text: (field: Field) => string): Record<string, string> {
  return Object.fromEntries(fields.map((field) => [field.name, sample(field, text(field))]));
}

export const newCustomer = (world: World, label: string) =>
  customFields(customerFields, (field) => `${world.prefix}-${label} ${field.name}`);
export const caseProperties = (world: World, label: string) =>
  customFields(caseFields, (field) => `${world.prefix}-${label} ${field.name}`);

/** The newest customer this run created, or why there is none. */
function aCustomer(world: World): Record<string, unknown> | string {
  return (
    newest(world, routes.createCustomer.path) ??
    "no customer of this run to name (--read-only, or its creation did not pass)"
  );
}

/** An interaction as Khoros files it. */
export const interaction = (n: number, text: string) => ({
  created: new Date(Date.UTC(2026, 10, 27, 9, n)).toISOString(),
  body: text,
  linkUrl: `https://social.example/posts/${n}`,
  serviceId: `post-${n}`,
  service: "twitter",
  contentType: "post",
});

const bodies: { [Id in OperationId]?: BodyMaker<Id> } = {
  createCustomer: (world) => newCustomer(world, "customer"),
  searchCustomers: (world) => {
    const customer = newest(world, routes.createCustomer.path);
    return Object.fromEntries(
      searchableFields.map((f) => [f.name, String(customer?.[f.name] ?? `${world.prefix}-nobody`)]),
    );
  },
  bestmatchCustomers: (world) => ({ screenName: `@${world.prefix}-nobody`, displayName: "Nobody Known" }),
  updateCustomer: (world) =>
    customFields(
      customerFields.filter((f) => !f.searchable),
      () => `${world.prefix} updated`,
    ),
  createCase: (world) => {
    const customer = aCustomer(world);
    if (typeof customer === "string") return customer;
    return {
      customerId: idOf(customer)!,
      title: `${world.prefix} case`,
      interactions: [interaction(1, "It arrived broken")],
    };
  },
  updateCase: (world) => caseProperties(world, "updated"),
};

/** The spec's example of each header parameter of the operation: what Khoros sends for context. */
function contextHeaders(op: OperationModel): Record<string, string> {
  const headers = op.parameters.filter((p) => p.in === "header" && p.example !== undefined);
  return Object.fromEntries(headers.map((p) => [p.name, String(p.example)]));
}

/** The operation's path with its parameter naming `value` (or the record this run made, or a meta type). */
function pathOf(op: OperationModel, world: World, value?: string): string {
  const parameter = pathParameterOf(op);
  if (!parameter) return op.path;
  const record = parameter.createdAt ? idOf(newest(world, parameter.createdAt)) : objectTypes[0];
  return op.path.replace(`{${parameter.name}}`, encodeURIComponent(value ?? record ?? ""));
}

/**
 * A value for the operation's path parameter that names nothing: the spec's example id, its end made from
 * the run's prefix (the same in one run, so that a JSON answer and its text/plain twin can be compared).
 */
export function unknownValue(op: OperationModel, world: World): string {
  const parameter = pathParameterOf(op)!;
  if (!parameter.createdAt) return `${world.prefix}-unknown-type`;
  const raw = op.parameters.find((p) => p.name === parameter.name);
  const example = typeof raw?.example === "string" ? raw.example : `${world.prefix}-`;
  const tail = createHash("sha256").update(`${world.prefix} ${op.operationId}`).digest("hex").slice(0, 12);
  return `${example.slice(0, Math.max(0, example.length - tail.length))}${tail}`;
}

/** Why the path cannot be filled in this run, if it cannot. */
function missingRecord(op: OperationModel, world: World): string | undefined {
  const parameter = pathParameterOf(op);
  if (!parameter?.createdAt || newest(world, parameter.createdAt)) return undefined;
  return `no record made at ${parameter.createdAt} in this run to name (--read-only, or its creation did not pass)`;
}

export interface CallOptions {
  accept?: string;
  /** For a refusal: name an unknown record, and send an empty body, where this run has none to give. */
  anyRecord?: boolean;
  /** The body to send instead of the valid one (any JSON value, or text sent as it is). */
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  pathValue?: string;
}

/** A valid call of the operation, changed as `options` say; or why it cannot be made in this run. */
export function call(op: OperationModel, world: World, options: CallOptions = {}): VerifyRequest | string {
  const missing = options.pathValue === undefined ? missingRecord(op, world) : undefined;
  if (missing && !options.anyRecord) return missing;
  const pathValue = options.pathValue ?? (missing ? unknownValue(op, world) : undefined);
  const maker = bodies[op.operationId as OperationId] as BodyMaker<OperationId> | undefined;
  const made = op.requestBody ? maker?.(world) : undefined;
  const valid = typeof made === "string" ? (options.anyRecord ? {} : made) : made;
  if (typeof valid === "string" && options.body === undefined && options.raw === undefined) return valid;
  const body = options.raw ?? (op.requestBody ? JSON.stringify(options.body ?? valid ?? {}) : undefined);
  const keyHeader = keyHeaderOf(op);
  const headers: Record<string, string> = {
    ...contextHeaders(op),
    ...(keyHeader ? { [keyHeader]: world.key } : {}),
    ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    ...(options.accept ? { Accept: options.accept } : {}),
    ...options.headers,
  };
  return { method: op.method, path: pathOf(op, world, pathValue), headers, ...(body === undefined ? {} : { body }) };
}
