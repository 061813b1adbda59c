// The text/plain body of an answer, made from its JSON body by the spec's `x-text-from`: `url` (one
// record's link), `[].url` (a list's links, one per line), `fields[].name`, `message`.

/** The text at `path` in `body`, lists joined one item per line; undefined when the body has none there. */
export function textFrom(body: unknown, path: string): string | undefined {
  const steps = path.split(/\.|(?=\[\])|(?<=\[\])/).filter(Boolean);
  let values: unknown[] = [body];
  for (const step of steps) {
    if (step === "[]") {
      if (!values.every(Array.isArray)) return undefined;
      values = values.flat();
    } else {
      values = values.map((value) => (typeof value === "object" && value !== null ? (value as Record<string, unknown>)[step] : undefined));
    }
  }
  return values.every((value) => typeof value === "string") ? values.join("\n") : undefined;
}
