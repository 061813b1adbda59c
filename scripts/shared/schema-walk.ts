// Walking the schemas of a bundled OpenAPI 3.1 document, for SpecModel: local `$ref`s followed to what they
// point at, one level of a schema with its `allOf` parts merged (its shape), and a schema resolved all the way
// down (flattened).
import type { FlatSchema, Schema, SchemaShape } from "./spec-types.js";
import { lowerBounds, upperBounds } from "./spec-types.js";

type Doc = Record<string, any>;
/** Follows local `$ref`s to what they point at (SpecModel.resolve). */
export type Resolve = (value: unknown) => Doc;

const extensionsOf = (node: Doc) => Object.fromEntries(Object.entries(node).filter(([key]) => key.startsWith("x-")));

/** Follows local `$ref`s (`#/components/...`) in the document to what they point at. */
export function resolveRefs<T>(document: Doc, value: unknown): T {
  let current = value as Doc | undefined;
  while (current && typeof current === "object" && typeof current.$ref === "string") {
    const ref: string = current.$ref;
    current = ref
      .replace(/^#\//, "")
      .split("/")
      .reduce<any>((node, key) => node?.[key.replaceAll("~1", "/").replaceAll("~0", "~")], document);
    if (current === undefined) throw new Error(`Cannot resolve ${ref}.`);
  }
  return current as T;
}

/** One level of a schema, with its `allOf` parts merged in. */
export function shapeOf(schema: unknown, resolve: Resolve): SchemaShape {
  const s = resolve(schema ?? {});
  const parts = ((s.allOf as unknown[]) ?? []).map((part) => shapeOf(part, resolve));
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
export function flattenSchema(schema: unknown, resolve: Resolve): FlatSchema {
  const flatten = (child: unknown) => flattenSchema(child, resolve);
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
  } = shapeOf(schema, resolve);
  return {
    type: types?.length === 1 ? types[0] : types,
    format,
    enum: values,
    pattern,
    properties: Object.fromEntries(Object.entries(properties).map(([name, child]) => [name, flatten(child)])),
    required,
    closed,
    items: items === undefined ? undefined : flatten(items),
    oneOf: oneOf?.map((option) => flatten(option)),
    ...(anyOf.length > 0 ? { anyOf: anyOf.map((choice) => choice.map((option) => flatten(option))) } : {}),
    extensions,
  };
}
