// The shapes the spec model gives its readers: operations, parameters, responses, schemas resolved one
// level (SchemaShape) or all the way down (FlatSchema), the error catalogue's entries and custom fields.
export type Schema = Record<string, unknown>;
export const httpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export interface ParameterModel {
  name: string;
  in: "header" | "path" | "query" | "cookie";
  required: boolean;
  /** The schema as written (possibly a `$ref`). */
  schema: Schema;
  description?: string;
  /** Its example, as written (what a client such as verify sends for it). */
  example?: unknown;
}

export interface MediaTypeModel {
  schema?: Schema;
  /** Named examples as written (possibly `$ref`s); `example(…)` resolves one. */
  examples: Record<string, unknown>;
  /** `x-text-from` of a text/plain media type: where in the JSON body its text comes from. */
  textFrom?: string;
}

export interface ResponseModel {
  status: number;
  description?: string;
  headers: Record<string, unknown>;
  /** By media type; empty for a response without a body (204). */
  content: Record<string, MediaTypeModel>;
}

export interface OperationModel {
  operationId: string;
  /** `createCustomer` → `CreateCustomer`. */
  typeName: string;
  /** Upper case, e.g. `POST`. */
  method: string;
  path: string;
  summary?: string;
  description?: string;
  tags: string[];
  /** The path item's and the operation's, the operation's winning for the same name and place. */
  parameters: ParameterModel[];
  requestBody?: { required: boolean; content: Record<string, MediaTypeModel> };
  responses: ResponseModel[];
  /** The security requirements that apply (the operation's, else the document's); `[]` is public. */
  security: Record<string, string[]>[];
}

/** One level of a schema: `$ref`s and `allOf` resolved and merged, its children as written. */
export interface SchemaShape {
  types?: string[];
  format?: string;
  enum?: unknown[];
  pattern?: string;
  properties: Record<string, Schema>;
  required: string[];
  /** No property beyond `properties` is allowed (`additionalProperties` or `unevaluatedProperties` false). */
  closed: boolean;
  items?: Schema;
  oneOf?: Schema[];
  /** Its `anyOf`, and those of its `allOf` parts: each must hold (as alternatives of its own). */
  anyOf: Schema[][];
  bounds: Record<string, number>;
  /** Its `x-` extensions, its own winning over its `allOf` parts'. */
  extensions: Record<string, unknown>;
}

/** A schema resolved all the way down. */
export interface FlatSchema {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  pattern?: string;
  properties: Record<string, FlatSchema>;
  required: string[];
  closed: boolean;
  items?: FlatSchema;
  oneOf?: FlatSchema[];
  /** Each `anyOf` that must hold (none when it has none). */
  anyOf?: FlatSchema[][];
  extensions: Record<string, unknown>;
}

export interface CatalogueEntry {
  error: string;
  message: string;
}

/** A custom field of a CRM object, as `GET /meta/object/{type}` describes it. */
export interface CustomField {
  name: string;
  searchable: boolean;
  label: string;
  type: "text" | "textarea" | "single_sel_list" | "checkbox";
  listValues?: { name: string; value: string }[];
}

export const lowerBounds = ["minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum"];
export const upperBounds = ["maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum"];
