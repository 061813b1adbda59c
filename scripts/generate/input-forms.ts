// The input form of the custom fields: what Khoros may send for each, derived from its declaration. A
// schema marked `x-input-of: <declaration>` (in spec/, an `allOf` of the declaration, so that lint and the
// examples see the fields) becomes, in the bundled spec, an object of the declared fields, each accepting
// `null` (read as not sent) and what its field type lets Khoros send: a checkbox `true`, `false`, `"true"`
// and `"false"`; a single-select list each value's `value` or `name`. A field is declared once: every body
// that carries it, and the mock, accept it as Khoros sends it.
import type { Document } from "yaml";
import { type CustomField, type Schema, SpecModel } from "../shared/spec-model.js";

/** The values Khoros may send for a field beyond any text: none for a text field. */
function valuesOf(field: CustomField): unknown[] | undefined {
  if (field.type === "checkbox") return [true, false, "true", "false"];
  if (field.type === "single_sel_list")
    return [...new Set(field.listValues!.flatMap((item) => [item.value, item.name]))];
  return undefined;
}

/** A declared property in its input form: its description and examples, its values, and null. */
function inputForm(field: CustomField, declared: Schema): Schema {
  const values = valuesOf(field);
  const types = values
    ? [...new Set(values.map((value) => (typeof value === "boolean" ? "boolean" : "string")))]
    : [declared.type ?? "string"].flat();
  return {
    ...(declared.description === undefined ? {} : { description: declared.description }),
    type: [...types, "null"],
    ...(values ? { enum: [...values, null] } : {}),
    ...(declared.examples === undefined ? {} : { examples: declared.examples }),
  };
}

/** Fills in each `x-input-of` schema of the bundled document from its declaration. */
export function fillInputForms(document: Document, model: SpecModel): void {
  const schemas = model.schemas();
  for (const [name, schema] of Object.entries(schemas)) {
    const declaration = schema["x-input-of"];
    if (declaration === undefined) continue;
    if (typeof declaration !== "string" || !schemas[declaration])
      throw new Error(`${name}: x-input-of must name a component schema, not ${String(declaration)}.`);
    const declared = model.shape(schemas[declaration]).properties;
    const properties = Object.fromEntries(
      model
        .declaredFields(declaration)
        .map((field) => [field.name, inputForm(field, model.resolve(declared[field.name]))]),
    );
    document.deleteIn(["components", "schemas", name, "allOf"]);
    document.setIn(["components", "schemas", name, "type"], "object");
    document.setIn(["components", "schemas", name, "properties"], properties);
  }
}
