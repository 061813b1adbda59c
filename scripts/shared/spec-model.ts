// The one reader of a bundled OpenAPI 3.1 document, for every script and test that needs one (the
// generator, the breaking-change check, the tests, the bench): `$ref`s resolved, `allOf` merged, the
// path item's parameters joined with the operation's, security per operation, and the kit's extensions
// (the error catalogue, the custom fields, what a text/plain body holds).
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { bundledSpecPath } from "./paths.js";

export * from "./spec-types.js";
import type {
  CatalogueEntry,
  CustomField,
  FlatSchema,
  MediaTypeModel,
  OperationModel,
  ParameterModel,
  ResponseModel,
  Schema,
  SchemaShape,
} from "./spec-types.js";
import { httpMethods, lowerBounds, upperBounds } from "./spec-types.js";

type Doc = Record<string, any>;
const fieldTypes = ["text", "textarea", "single_sel_list", "checkbox"];

const extensionsOf = (node: Doc) => Object.fromEntries(Object.entries(node).filter(([key]) => key.startsWith("x-")));

export class SpecModel {
  readonly operations: OperationModel[];
  /** The document itself: read through this model's methods only, so that every reader sees the same things. */
  readonly #document: Doc;

  constructor(document: Doc) {
    this.#document = document;
    this.operations = Object.entries<Doc>(document.paths ?? {}).flatMap(([path, item]) =>
      httpMethods.filter((method) => item[method]).map((method) => this.#operation(path, item, method)),
    );
  }

  /** The bundled spec (generated/openapi.yaml unless another file is given). */
  static load(path: string | URL = bundledSpecPath): SpecModel {
    return new SpecModel(parse(readFileSync(path, "utf8")) as Doc);
  }

  get info(): { title: string; version: string } {
    return this.#document.info;
  }

  /** Every path the document lists, one without operations too, in document order. */
  paths(): string[] {
    return Object.keys(this.#document.paths ?? {});
  }

  /** The component schemas by name, as written. */
  schemas(): Record<string, Schema> {
    return this.#document.components?.schemas ?? {};
  }

  /** Every component's kind and name (`schemas`, `Customer`), the kit's `x-` extensions left out. */
  componentNames(): { kind: string; name: string }[] {
    return Object.entries<Doc>(this.#document.components ?? {})
      .filter(([kind]) => !kind.startsWith("x-"))
      .flatMap(([kind, entries]) => Object.keys(entries).map((name) => ({ kind, name })));
  }

  /** A response of `components.responses` that no operation refers to (the server's 404 and 405). */
  sharedResponse(name: string): ResponseModel | undefined {
    const response = this.#document.components?.responses?.[name];
    return response && this.#response(0, response);
  }

  /**
   * The security schemes of an operation: for each of its requirements (any one will do), the schemes it
   * names, each by its name in the document (`scheme` is undefined when the document has no such scheme).
   */
  securitySchemes(op: OperationModel): { id: string; scheme?: Doc }[][] {
    return op.security.map((requirement) =>
      Object.keys(requirement).map((id) => {
        const scheme = this.#document.components?.securitySchemes?.[id];
        return { id, scheme: scheme === undefined ? undefined : this.resolve<Doc>(scheme) };
      }),
    );
  }

  /** Follows local `$ref`s (`#/components/...`) to what they point at. */
  resolve<T = Doc>(value: unknown): T {
    let current = value as Doc | undefined;
    while (current && typeof current === "object" && typeof current.$ref === "string") {
      const ref: string = current.$ref;
      current = ref
        .replace(/^#\//, "")
        .split("/")
        .reduce<any>((node, key) => node?.[key.replaceAll("~1", "/").replaceAll("~0", "~")], this.#document);
      if (current === undefined) throw new Error(`Cannot resolve ${ref}.`);
    }
    return current as T;
  }

  /** An operation by its id. */
  operation(operationId: string): OperationModel {
    const found = this.operations.find((op) => op.operationId === operationId);
    if (!found) throw new Error(`The spec has no operation ${operationId}.`);
    return found;
  }

  /** A named example (or `$ref` to one), resolved to its value. */
  example(example: unknown): unknown {
    return this.resolve<{ value: unknown }>(example).value;
  }

  /** One level of a schema, with its `allOf` parts merged in. */
  shape(schema: unknown): SchemaShape {
    const s = this.resolve<Doc>(schema ?? {});
    const parts = ((s.allOf as unknown[]) ?? []).map((part) => this.shape(part));
    const bounds: Record<string, number> = Object.assign({}, ...parts.map((p) => p.bounds));
    for (const key of [...lowerBounds, ...upperBounds]) if (typeof s[key] === "number") bounds[key] = s[key];
    return {
      types: s.type === undefined ? parts.find((p) => p.types)?.types : [s.type].flat(),
      format: s.format ?? parts.find((p) => p.format)?.format,
      enum: s.enum ?? (s.const === undefined ? undefined : [s.const]) ?? parts.find((p) => p.enum)?.enum,
      pattern: s.pattern ?? parts.find((p) => p.pattern)?.pattern,
      properties: Object.assign({}, ...parts.map((p) => p.properties), s.properties),
      required: [...new Set([...parts.flatMap((p) => p.required), ...(s.required ?? [])])],
      closed: s.additionalProperties === false || s.unevaluatedProperties === false || parts.some((p) => p.closed),
      items: s.items ?? parts.find((p) => p.items)?.items,
      oneOf: s.oneOf ?? parts.find((p) => p.oneOf)?.oneOf,
      anyOf: [...parts.flatMap((p) => p.anyOf), ...(s.anyOf ? [s.anyOf as Schema[]] : [])],
      bounds,
      extensions: Object.assign({}, ...parts.map((p) => p.extensions), extensionsOf(s)),
    };
  }

  /** A schema resolved all the way down (the spec's schemas are not recursive). */
  flatten(schema: unknown): FlatSchema {
    const {
      types,
      format,
      enum: values,
      pattern,
      properties,
      required,
      closed,
      items,
      oneOf,
      anyOf,
      extensions,
    } = this.shape(schema);
    return {
      type: types?.length === 1 ? types[0] : types,
      format,
      enum: values,
      pattern,
      properties: Object.fromEntries(Object.entries(properties).map(([name, child]) => [name, this.flatten(child)])),
      required,
      closed,
      items: items === undefined ? undefined : this.flatten(items),
      oneOf: oneOf?.map((option) => this.flatten(option)),
      ...(anyOf.length > 0 ? { anyOf: anyOf.map((choice) => choice.map((option) => this.flatten(option))) } : {}),
      extensions,
    };
  }

  /** The JSON schema of an operation's request body, if it takes JSON. */
  requestSchema(op: OperationModel): Schema | undefined {
    return op.requestBody?.content["application/json"]?.schema;
  }

  /** The response of an operation for a status. */
  response(op: OperationModel, status: number): ResponseModel | undefined {
    return op.responses.find((r) => r.status === status);
  }

  /** The headers that may carry an operation's API key (any one will do); none when it is public. */
  apiKeyHeaders(op: OperationModel): string[] {
    return this.securitySchemes(op).map((schemes) => {
      const scheme = schemes.length === 1 ? schemes[0]!.scheme : undefined;
      if (scheme?.type !== "apiKey" || scheme.in !== "header" || typeof scheme.name !== "string") {
        throw new Error(`${op.operationId}: only security by one apiKey scheme in a header is supported.`);
      }
      return scheme.name;
    });
  }

  /** The error catalogue (`components.x-error-catalogue`, spec/errors.yaml): situation → code and message. */
  errorCatalogue(): Record<string, CatalogueEntry> {
    const catalogue = this.#document.components?.["x-error-catalogue"];
    if (!catalogue) throw new Error("The spec has no components.x-error-catalogue (spec/errors.yaml).");
    for (const [situation, entry] of Object.entries<Doc>(catalogue)) {
      if (typeof entry?.error !== "string" || typeof entry.message !== "string") {
        throw new Error(`x-error-catalogue.${situation} needs a string error and message.`);
      }
    }
    return catalogue;
  }

  /**
   * The custom fields of each CRM object: the properties of the component schemas marked
   * `x-custom-fields-of: <object>`, in the order the spec lists them, each with its `x-` extensions.
   */
  customFields(): Record<string, CustomField[]> {
    const objects: Record<string, CustomField[]> = {};
    for (const [schemaName, schema] of Object.entries<Doc>(this.schemas())) {
      const object = schema["x-custom-fields-of"];
      if (object !== undefined) (objects[object] ??= []).push(...this.declaredFields(schemaName));
    }
    return objects;
  }

  /** The custom fields one schema marked `x-custom-fields-of` declares, in the order it lists them. */
  declaredFields(schemaName: string): CustomField[] {
    const schema = this.schemas()[schemaName];
    if (schema?.["x-custom-fields-of"] === undefined)
      throw new Error(`${schemaName} is no schema marked x-custom-fields-of.`);
    return Object.entries(this.shape(schema).properties).map(([name, property]) => {
      const field = this.resolve<Doc>(property);
      const where = `${schemaName}.${name}`;
      const [searchable, label, type, listValues] = ["x-searchable", "x-label", "x-field-type", "x-list-values"].map(
        (key) => field[key],
      );
      if (typeof searchable !== "boolean") throw new Error(`${where}: x-searchable must be true or false.`);
      if (typeof label !== "string") throw new Error(`${where}: x-label must be a string.`);
      if (!fieldTypes.includes(type))
        throw new Error(`${where}: x-field-type must be one of ${fieldTypes.join(", ")}.`);
      if ((type === "single_sel_list") !== (listValues !== undefined))
        throw new Error(`${where}: x-list-values goes with single_sel_list, and only with it.`);
      return { name, searchable, label, type, ...(listValues ? { listValues } : {}) };
    });
  }

  #operation(path: string, item: Doc, method: string): OperationModel {
    const op: Doc = item[method];
    const where = `${method.toUpperCase()} ${path}`;
    if (typeof op.operationId !== "string") throw new Error(`${where} has no operationId.`);
    const parameters = new Map<string, ParameterModel>();
    for (const raw of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
      const p = this.resolve<Doc>(raw);
      const key = `${p.in}:${p.in === "header" ? p.name.toLowerCase() : p.name}`;
      const required = p.required === true || p.in === "path";
      parameters.set(key, {
        name: p.name,
        in: p.in,
        required,
        schema: p.schema ?? {},
        description: p.description,
        example: p.example,
      });
    }
    const body = op.requestBody ? this.resolve<Doc>(op.requestBody) : undefined;
    return {
      operationId: op.operationId,
      typeName: `${op.operationId.charAt(0).toUpperCase()}${op.operationId.slice(1)}`,
      method: method.toUpperCase(),
      path,
      summary: op.summary,
      description: op.description,
      tags: op.tags ?? [],
      parameters: [...parameters.values()],
      requestBody: body && { required: body.required === true, content: this.#content(body.content) },
      responses: Object.entries<unknown>(op.responses ?? {})
        .filter(([status]) => /^\d{3}$/.test(status))
        .map(([status, raw]) => this.#response(Number(status), raw)),
      security: op.security ?? this.#document.security ?? [],
    };
  }

  #response(status: number, raw: unknown): ResponseModel {
    const response = this.resolve<Doc>(raw);
    return {
      status,
      description: response.description,
      headers: response.headers ?? {},
      content: this.#content(response.content),
    };
  }

  #content(content: Doc | undefined): Record<string, MediaTypeModel> {
    return Object.fromEntries(
      Object.entries<Doc>(content ?? {}).map(([mediaType, media]) => [
        mediaType,
        {
          schema: media.schema,
          examples: media.examples ?? {},
          ...(media["x-text-from"] ? { textFrom: media["x-text-from"] } : {}),
        },
      ]),
    );
  }
}
