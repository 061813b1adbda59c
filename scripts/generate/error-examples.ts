// The error examples of the bundled spec whose message is the catalogue's: spec/ names the catalogue's
// situation and its values (`x-error: {situation, values, fields}`), and the bundle gets the body the server
// sends in that situation, so a message is written once, in spec/errors.yaml. `fields` names the fields at
// fault: one `{name, errorMessage}` or a list, as the response's schema has it. (Examples whose message the
// validation writes, from the rule that failed, stay written out; test/error-examples.test.ts holds every
// example to what the server answers.)
import type { Document } from "yaml";
import { errorFrom } from "../../src/server-errors.js";
import type { Schema, SpecModel } from "../shared/spec-model.js";
import { responsePaths } from "./responses.js";

type Doc = Record<string, any>;

interface ErrorExample {
  situation: string;
  values?: Record<string, string>;
  fields?: string[];
}

/** The body of an `x-error` example, `fields` shaped as the response's schema says. */
function errorBodyOf(model: SpecModel, example: ErrorExample, schema: Schema | undefined, where: string): Doc {
  const catalogue = model.errorCatalogue();
  if (!catalogue[example.situation])
    throw new Error(`${where}: x-error names ${example.situation}, which spec/errors.yaml lacks.`);
  const body: Doc = errorFrom(catalogue, example.situation, example.values);
  if (!example.fields) return body;
  const fields = model.shape(schema).properties.fields;
  if (!fields) throw new Error(`${where}: x-error gives fields, which this response's schema does not have.`);
  const entries = example.fields.map((name) => ({ name, errorMessage: body.message }));
  return { ...body, fields: model.shape(fields).types?.includes("array") ? entries : entries[0] };
}

/** Fills in the value of every JSON example written as `x-error`. */
export function fillErrorExamples(document: Document, model: SpecModel): void {
  const plain: Doc = document.toJS();
  for (const at of responsePaths(plain)) {
    const json = at.reduce<Doc>((node, key) => node[key], plain).content?.["application/json"];
    for (const [name, example] of Object.entries<Doc>(json?.examples ?? {})) {
      if (!example["x-error"]) continue;
      const where = `${at.join(".")} ${name}`;
      const path = [...at, "content", "application/json", "examples", name];
      document.setIn([...path, "value"], errorBodyOf(model, example["x-error"], json.schema, where));
      document.deleteIn([...path, "x-error"]);
    }
  }
}
