// Compares two bundled OpenAPI 3.1 documents and says which changes break an existing client or server.
// It covers what this kit's spec uses: paths and operations, parameters (headers), request bodies,
// responses with headers and several media types, apiKey security, and schemas made of `$ref`, `allOf`,
// properties, `required`, type, format, enum, pattern, bounds and closed objects (`unevaluatedProperties`
// or `additionalProperties` false). Direction matters: a request breaks when what it may carry narrows,
// a response when what it may carry widens. A removed property, header, status or media type always breaks.
// Both documents are read through the shared SpecModel, so the check sees the operations the generator sees.
import { lowerBounds, type MediaTypeModel, type OperationModel, type ParameterModel, SpecModel, upperBounds } from "../shared/spec-model.js";

export interface Change {
  breaking: boolean;
  message: string;
}

type Doc = Record<string, any>;
type Direction = "request" | "response";
type Header = { required?: boolean; schema?: unknown };

const show = (value: unknown) => (value === undefined ? "none" : Array.isArray(value) ? value.join("|") : String(value));
const label = (op: OperationModel) => `${op.method} ${op.path}`;
/** The same parameter on both sides: same place, same name (a header's in any case). */
const parameterKey = (p: ParameterModel) => `${p.in}:${p.in === "header" ? p.name.toLowerCase() : p.name}`;

/** Each path the document lists (one left without operations too) with its operations, in document order. */
function byPath(model: SpecModel): Map<string, OperationModel[]> {
  const paths = new Map(model.paths().map((path) => [path, [] as OperationModel[]]));
  for (const op of model.operations) paths.get(op.path)!.push(op);
  return paths;
}

/**
 * A schema as the alternatives it allows besides `null`, and whether it allows `null`: `oneOf: [X, {type:
 * null}]` is X, nullable; a schema without oneOf is itself (a `type` list with "null" is compared as types).
 */
function alternativesOf(model: SpecModel, schema: unknown): { options: unknown[]; nullable: boolean } {
  const options = model.shape(schema).oneOf;
  if (!options) return { options: [schema], nullable: false };
  const isNull = (option: unknown) => show(model.shape(option).types) === "null";
  return { options: options.filter((option) => !isNull(option)), nullable: options.some(isNull) };
}

class Comparison {
  readonly changes: Change[] = [];

  constructor(
    private readonly before: SpecModel,
    private readonly after: SpecModel,
  ) {}

  private add(breaking: boolean, message: string) {
    this.changes.push({ breaking, message });
  }

  /** A constraint that narrowed breaks requests; one that widened breaks responses; one replaced, both. */
  private constraint(direction: Direction, narrowed: boolean, widened: boolean, message: string) {
    this.add(direction === "request" ? narrowed : widened, message);
  }

  private schema(b: unknown, a: unknown, direction: Direction, where: string, path = "", visiting = new Set<string>()) {
    const pair = `${(b as any)?.$ref}|${(a as any)?.$ref}`;
    if (visiting.has(pair) && pair !== "undefined|undefined") return; // a recursive schema, already being compared
    visiting = new Set(visiting).add(pair);
    const subject = path ? `\`${path}\`` : "the value";
    const [was, now] = [alternativesOf(this.before, b), alternativesOf(this.after, a)];
    if (was.nullable !== now.nullable) {
      this.constraint(direction, was.nullable, now.nullable, `${where}: ${subject} ${now.nullable ? "may now be null" : "may no longer be null"}`);
    }
    if (was.options.length !== 1 || now.options.length !== 1) {
      // Alternatives (oneOf) compared in order; one added widens what may be sent, one removed narrows it.
      const shared = Math.min(was.options.length, now.options.length);
      for (let i = 0; i < shared; i++) this.schema(was.options[i], now.options[i], direction, where, path, visiting);
      if (now.options.length > shared) this.constraint(direction, false, true, `${where}: ${subject} has ${now.options.length - shared} more alternative(s)`);
      if (was.options.length > shared) this.constraint(direction, true, false, `${where}: ${subject} has ${was.options.length - shared} fewer alternative(s)`);
      return;
    }
    [b, a] = [was.options[0], now.options[0]];
    const before = this.before.shape(b);
    const after = this.after.shape(a);

    if (show(before.types) !== show(after.types)) {
      const lost = before.types === undefined ? after.types !== undefined : before.types.some((t) => !after.types?.includes(t));
      const gained = after.types === undefined ? before.types !== undefined : after.types.some((t) => !before.types?.includes(t));
      const notNull = (types?: string[]) => show(types?.filter((t) => t !== "null"));
      const onlyNull = before.types && after.types && notNull(before.types) === notNull(after.types);
      const change = onlyNull ? `${subject} ${gained ? "may now be null" : "may no longer be null"}` : `type of ${subject} changed from ${show(before.types)} to ${show(after.types)}`;
      this.constraint(direction, lost, gained, `${where}: ${change}`);
    }
    if (before.format !== after.format) {
      const message = `${where}: format of ${subject} changed from ${show(before.format)} to ${show(after.format)}`;
      this.constraint(direction, after.format !== undefined, before.format !== undefined, message);
    }
    if (before.pattern !== after.pattern) {
      const message = `${where}: pattern of ${subject} changed from ${show(before.pattern)} to ${show(after.pattern)}`;
      this.constraint(direction, after.pattern !== undefined, before.pattern !== undefined, message);
    }
    this.enumValues(before.enum, after.enum, direction, where, subject);
    for (const key of [...lowerBounds, ...upperBounds]) {
      const [was, now] = [before.bounds[key], after.bounds[key]];
      if (was === now) continue;
      const tighter = (x: number, y: number) => (lowerBounds.includes(key) ? x > y : x < y);
      const narrowed = was === undefined || (now !== undefined && tighter(now, was));
      this.constraint(direction, narrowed, !narrowed, `${where}: ${key} of ${subject} changed from ${show(was)} to ${show(now)}`);
    }
    if (before.closed !== after.closed) {
      const message = `${where}: ${subject} ${after.closed ? "no longer allows" : "now allows"} properties not listed`;
      this.constraint(direction, after.closed, before.closed, message);
    }

    const prefix = path ? `${path}.` : "";
    for (const name of Object.keys(before.properties)) {
      const property = `${prefix}${name}`;
      if (!(name in after.properties)) {
        this.add(true, `${where}: removed property \`${property}\``);
        continue;
      }
      const [was, now] = [before.required.includes(name), after.required.includes(name)];
      if (!was && now) this.add(direction === "request", `${where}: property \`${property}\` became required`);
      if (was && !now) this.add(direction === "response", `${where}: property \`${property}\` became optional`);
      this.schema(before.properties[name], after.properties[name], direction, where, property, visiting);
    }
    for (const name of Object.keys(after.properties)) {
      if (name in before.properties) continue;
      const required = after.required.includes(name);
      this.add(direction === "request" && required, `${where}: added ${required ? "required" : "optional"} property \`${prefix}${name}\``);
    }
    if (before.items !== undefined && after.items !== undefined) {
      this.schema(before.items, after.items, direction, where, `${path}[]`, visiting);
    }
  }

  private enumValues(was: unknown[] | undefined, now: unknown[] | undefined, direction: Direction, where: string, subject: string) {
    if (was === undefined && now === undefined) return;
    if (was === undefined || now === undefined) {
      this.constraint(direction, now !== undefined, was !== undefined, `${where}: ${subject} ${now ? "became an enum" : "is no longer an enum"}`);
      return;
    }
    const key = (value: unknown) => JSON.stringify(value);
    for (const value of was) {
      if (!now.some((v) => key(v) === key(value))) this.constraint(direction, true, false, `${where}: enum value ${key(value)} of ${subject} removed`);
    }
    for (const value of now) {
      if (!was.some((v) => key(v) === key(value))) this.constraint(direction, false, true, `${where}: enum value ${key(value)} of ${subject} added`);
    }
  }

  private content(b: Record<string, MediaTypeModel>, a: Record<string, MediaTypeModel>, direction: Direction, where: string) {
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
      if (!before.has(parameterKey(now))) this.add(now.required, `${owner}: added ${now.required ? "required" : "optional"} ${now.in} ${now.name}`);
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
      (s && [s.type, s.in && `in ${s.in}`, s.name, s.scheme, s.bearerFormat].filter(Boolean).join(" ")) || `unknown scheme ${id}`;
    return model.securitySchemes(op).map((schemes) => schemes.map(describe).sort().join(" and ")).join("; or ") || "none";
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
    if (b.operationId !== a.operationId) this.add(true, `${where}: operationId changed from ${b.operationId} to ${a.operationId} (the client's method name)`);
    const [securityBefore, securityAfter] = [this.security(this.before, b), this.security(this.after, a)];
    if (securityBefore !== securityAfter) this.add(true, `${where}: security changed from ${securityBefore} to ${securityAfter}`);
    this.parameters(b.parameters, a.parameters, where);

    const [bodyBefore, bodyAfter] = [b.requestBody, a.requestBody];
    if (bodyBefore && !bodyAfter) this.add(true, `${where}: removed the request body`);
    if (!bodyBefore && bodyAfter) this.add(bodyAfter.required, `${where}: added a ${bodyAfter.required ? "required" : "optional"} request body`);
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
