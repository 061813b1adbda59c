// Compares two bundled OpenAPI 3.1 documents and says which changes break an existing client or server.
// It covers what this kit's spec uses: paths and operations, parameters (headers), request bodies,
// responses with headers and several media types, apiKey security, and schemas made of `$ref`, `allOf`,
// properties, `required`, type, format, enum, pattern, bounds and closed objects (`unevaluatedProperties`
// or `additionalProperties` false). Direction matters: a request breaks when what it may carry narrows,
// a response when what it may carry widens. A removed property, header, status or media type always breaks.
// Both documents are read through the shared SpecModel, so the check sees the operations the generator sees.
import { type MediaTypeModel, type OperationModel, type ParameterModel, SpecModel } from "../shared/spec-model.js";
import { type Change, type Direction, SchemaComparison } from "./schema-diff.js";

export type { Change } from "./schema-diff.js";

type Doc = Record<string, any>;
type Header = { required?: boolean; schema?: unknown };

const label = (op: OperationModel) => `${op.method} ${op.path}`;
/** The same parameter on both sides: same place, same name (a header's in any case). */
const parameterKey = (p: ParameterModel) => `${p.in}:${p.in === "header" ? p.name.toLowerCase() : p.name}`;

/** Each path the document lists (one left without operations too) with its operations, in document order. */
function byPath(model: SpecModel): Map<string, OperationModel[]> {
  const paths = new Map(model.paths().map((path) => [path, [] as OperationModel[]]));
  for (const op of model.operations) paths.get(op.path)!.push(op);
  return paths;
}

/** The operations' half: paths, operations, parameters, bodies, responses and their headers, security. */
class Comparison extends SchemaComparison {
  private content(
    b: Record<string, MediaTypeModel>,
    a: Record<string, MediaTypeModel>,
    direction: Direction,
    where: string,
  ) {
    for (const [mediaType, media] of Object.entries(b)) {
      const other = a[mediaType];
      if (other === undefined) this.add(true, `${where}: removed media type ${mediaType}`);
      else this.schema(media.schema, other.schema, direction, `${where} (${mediaType})`);
    }
    for (const mediaType of Object.keys(a)) {
      if (!b[mediaType]) this.add(false, `${where}: added media type ${mediaType}`);
    }
  }

  private parameters(b: ParameterModel[], a: ParameterModel[], owner: string) {
    const after = new Map(a.map((p) => [parameterKey(p), p]));
    const before = new Set(b.map(parameterKey));
    for (const was of b) {
      const where = `${owner}, ${was.in} ${was.name}`;
      const now = after.get(parameterKey(was));
      if (now === undefined) {
        this.add(true, `${owner}: removed ${was.in} ${was.name}`);
        continue;
      }
      if (!was.required && now.required) this.add(true, `${where}: became required`);
      if (was.required && !now.required) this.add(false, `${where}: became optional`);
      this.schema(was.schema, now.schema, "request", where);
    }
    for (const now of a) {
      if (!before.has(parameterKey(now)))
        this.add(now.required, `${owner}: added ${now.required ? "required" : "optional"} ${now.in} ${now.name}`);
    }
  }

  private responseHeaders(b: Record<string, unknown>, a: Record<string, unknown>, where: string) {
    const byName = (model: SpecModel, headers: Record<string, unknown>) =>
      new Map(Object.entries(headers).map(([name, h]) => [name.toLowerCase(), { name, ...model.resolve<Header>(h) }]));
    const [before, after] = [byName(this.before, b), byName(this.after, a)];
    for (const [key, was] of before) {
      const now = after.get(key);
      if (now === undefined) {
        this.add(true, `${where}: removed header ${was.name}`);
        continue;
      }
      if (was.required && !now.required) this.add(true, `${where}, header ${was.name}: became optional`);
      if (!was.required && now.required) this.add(false, `${where}, header ${was.name}: became required`);
      this.schema(was.schema, now.schema, "response", `${where}, header ${was.name}`);
    }
    for (const [key, now] of after) {
      if (!before.has(key)) this.add(false, `${where}: added header ${now.name}`);
    }
  }

  /** Each security requirement as the schemes it names, described by what a client must send. */
  private security(model: SpecModel, op: OperationModel): string {
    const describe = ({ id, scheme: s }: { id: string; scheme?: Doc }) =>
      (s && [s.type, s.in && `in ${s.in}`, s.name, s.scheme, s.bearerFormat].filter(Boolean).join(" ")) ||
      `unknown scheme ${id}`;
    return (
      model
        .securitySchemes(op)
        .map((schemes) => schemes.map(describe).sort().join(" and "))
        .join("; or ") || "none"
    );
  }

  paths() {
    const [before, after] = [byPath(this.before), byPath(this.after)];
    const existed = new Set(this.before.operations.map(label));
    const at = new Map(this.after.operations.map((op) => [label(op), op]));
    // An operation that left its path and method keeps its operationId: follow it to where it went.
    const byOperationId = new Map(this.after.operations.map((op) => [op.operationId, op]));
    const movedTo = new Set<string>();
    for (const [path, ops] of before) {
      const lost: OperationModel[] = [];
      for (const was of ops) {
        const now = at.get(label(was)) ?? byOperationId.get(was.operationId);
        // Not followed onto another path where an operation already was: that one is compared there.
        if (!now || (now.path !== path && existed.has(label(now)))) {
          lost.push(was);
          continue;
        }
        if (label(now) !== label(was)) {
          movedTo.add(label(now));
          this.add(true, `${label(was)}: moved to ${label(now)} (operationId ${was.operationId})`);
        }
        this.operation(was, now);
      }
      if (!after.has(path) && lost.length === ops.length) this.add(true, `removed path ${path}`);
      else for (const was of lost) this.add(true, `removed operation ${label(was)}`);
    }
    for (const [path, ops] of after) {
      const added = ops.filter((op) => !existed.has(label(op)) && !movedTo.has(label(op)));
      if (!before.has(path) && added.length === ops.length) this.add(false, `added path ${path}`);
      else for (const op of added) this.add(false, `added operation ${label(op)}`);
    }
  }

  private operation(b: OperationModel, a: OperationModel) {
    const where = label(b);
    if (b.operationId !== a.operationId)
      this.add(
        true,
        `${where}: operationId changed from ${b.operationId} to ${a.operationId} (the client's method name)`,
      );
    const [securityBefore, securityAfter] = [this.security(this.before, b), this.security(this.after, a)];
    if (securityBefore !== securityAfter)
      this.add(true, `${where}: security changed from ${securityBefore} to ${securityAfter}`);
    this.parameters(b.parameters, a.parameters, where);

    const [bodyBefore, bodyAfter] = [b.requestBody, a.requestBody];
    if (bodyBefore && !bodyAfter) this.add(true, `${where}: removed the request body`);
    if (!bodyBefore && bodyAfter)
      this.add(bodyAfter.required, `${where}: added a ${bodyAfter.required ? "required" : "optional"} request body`);
    if (bodyBefore && bodyAfter) {
      if (!bodyBefore.required && bodyAfter.required) this.add(true, `${where}: the request body became required`);
      if (bodyBefore.required && !bodyAfter.required) this.add(false, `${where}: the request body became optional`);
      this.content(bodyBefore.content, bodyAfter.content, "request", `${where}, request body`);
    }

    for (const was of b.responses) {
      const now = this.after.response(a, was.status);
      if (now === undefined) {
        this.add(true, `${where}: removed response ${was.status}`);
        continue;
      }
      this.responseHeaders(was.headers, now.headers, `${where}, response ${was.status}`);
      this.content(was.content, now.content, "response", `${where}, response ${was.status}`);
    }
    for (const now of a.responses) {
      if (!this.before.response(b, now.status)) this.add(false, `${where}: added response ${now.status}`);
    }
  }
}

/** Every change of the API between two bundled documents, breaking ones included, in document order. */
export function compareSpecs(before: Doc, after: Doc): Change[] {
  const comparison = new Comparison(new SpecModel(before), new SpecModel(after));
  comparison.paths();
  return comparison.changes;
}

const wordingKeys = new Set(["description", "summary", "title", "example", "examples", "externalDocs"]);

/**
 * Where descriptions, summaries or examples differ, by the component, operation or top-level section that
 * holds them (e.g. `components/schemas/Customer`, `paths/~1customers/post`, `info`). Never breaking.
 */
export function wordingChanges(before: unknown, after: unknown, pointer: string[] = []): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const inComponents = pointer[0] === "components";
  const isWording = wordingKeys.has(pointer.at(-1) ?? "") && !(inComponents && pointer.length === 2); // not components/examples itself
  const isExample = inComponents && pointer[1] === "examples" && pointer.length >= 3;
  if (isWording || isExample) {
    const owner = inComponents || pointer[0] === "paths" ? pointer.slice(0, 3) : pointer.slice(0, 1);
    return [owner.map((k) => k.replaceAll("~", "~0").replaceAll("/", "~1")).join("/")];
  }
  if (typeof before !== "object" || typeof after !== "object" || before === null || after === null) return [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const found = [...keys].flatMap((k) => wordingChanges((before as any)[k], (after as any)[k], [...pointer, k]));
  return [...new Set(found)];
}
