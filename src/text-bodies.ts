// The text/plain body of an answer, made from its JSON body by the spec's `x-text-from`: `url` (one
// record's link), `[].url` (a list's links, one per line), `fields[].name`, `message`.

/** The steps of an `x-text-from` path: `fields[].name` → `fields`, `[]`, `name` (`[]` a list's items). */
export const textFromSteps = (path: string) => path.split(/\.|(?=\[\])|(?<=\[\])/).filter(Boolean);

/** The text at `path` in `body`, lists joined one item per line; undefined when the body has none there. */
export function textFrom(body: unknown, path: string): string | undefined {
  let values: unknown[] = [body];
  for (const step of textFromSteps(path)) {
    if (step === "[]") {
      if (!values.every(Array.isArray)) return undefined;
      values = values.flat();
    } else {
      values = values.map((value) =>
        typeof value === "object" && value !== null ? (value as Record<string, unknown>)[step] : undefined,
      );
    }
  }
  return values.every((value) => typeof value === "string") ? values.join("\n") : undefined;
}
