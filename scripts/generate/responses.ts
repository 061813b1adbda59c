// Where responses are in a bundled document: the shared ones (components.responses), and those written in an
// operation itself; for the steps of the bundle that fill in examples.

type Doc = Record<string, any>;

/** The path to each response object of the document, `$ref`s left out (their target is listed itself). */
export function responsePaths(document: Doc): string[][] {
  const shared = Object.keys(document.components?.responses ?? {}).map((name) => ["components", "responses", name]);
  const inline = Object.entries<Doc>(document.paths ?? {}).flatMap(([path, item]) =>
    Object.entries<Doc>(item).flatMap(([method, op]) =>
      Object.entries<Doc>(op?.responses ?? {})
        .filter(([, response]) => response?.$ref === undefined)
        .map(([status]) => ["paths", path, method, "responses", status]),
    ),
  );
  return [...shared, ...inline];
}
