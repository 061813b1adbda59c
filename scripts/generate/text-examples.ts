// The text/plain examples of the bundled spec, derived from their JSON twins: a response offering text/plain
// says where its text comes from (`x-text-from`, e.g. `url` or `[].url`), so each of its JSON examples has
// one plain-text twin, which spec/ does not write out again. A text/plain response that has examples of its
// own keeps them.
import type { Document } from "yaml";
import { textFrom } from "../../src/text-bodies.js";
import type { SpecModel } from "../shared/spec-model.js";
import { responsePaths } from "./responses.js";

type Doc = Record<string, any>;

/** Fills in the text/plain examples of every response that has a JSON twin and `x-text-from`. */
export function fillTextExamples(document: Document, model: SpecModel): void {
  const plain: Doc = document.toJS();
  for (const at of responsePaths(plain)) {
    const content = at.reduce<Doc>((node, key) => node[key], plain).content ?? {};
    const text = content["text/plain"];
    const from = text?.["x-text-from"];
    if (!from || text.examples) continue;
    const examples = Object.entries<Doc>(content["application/json"]?.examples ?? {}).map(([name, example]) => {
      const { summary, value } = model.resolve<Doc>(example);
      const derived = textFrom(value, from);
      if (derived === undefined)
        throw new Error(`${at.join(".")}: the example ${name} has no text at ${from} (x-text-from).`);
      return [name, { ...(summary ? { summary: `${summary}, in plain text` } : {}), value: derived }];
    });
    if (examples.length > 0) document.setIn([...at, "content", "text/plain", "examples"], Object.fromEntries(examples));
  }
}
