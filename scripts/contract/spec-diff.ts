// Compares two bundled OpenAPI 3.1 documents and says which changes break an existing client or server.
// It covers what this kit's spec uses: paths and operations, parameters (headers), request bodies,
// responses with headers and several media types, apiKey security, and schemas made of `$ref`, `allOf`,
// properties, `required`, type, format, enum, pattern, bounds and closed objects (`unevaluatedProperties`
// or `additionalProperties` false). Direction matters: a request breaks when what it may carry narrows,
// a response when what it may carry widens. A removed property, header, status or media type always breaks.

export interface Change {
  breaking: boolean;
  message: string;
}

type Doc = Record<string, any>;
type Direction = "request" | "response";

const httpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Follows local `$ref`s (`#/components/...`) to the object they point at. */
function resolve(doc: Doc, value: any): any {
  let current = value;
  while (current && typeof current.$ref === "string") {
    const keys = current.$ref.replace(/^#\//, "").split("/").map((k: string) => k.replaceAll("~1", "/").replaceAll("~0", "~"));
    current = keys.reduce((node: any, key: string) => node?.[key], doc);
    if (current === undefined) throw new Error(`Unresolved $ref ${value.$ref}`);
  }
  return current;
}

interface Shape {
  types?: string[]; // undefined: any type
  format?: string;
  enum?: unknown[];
  pattern?: string;
  properties: Record<string, unknown>;
  required: Set<string>;
  closed: boolean;
  items?: unknown;
  bounds: Record<string, number>;
}

const lowerBounds = ["minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum"];
const upperBounds = ["maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum"];

/** A schema with its `$ref`s resolved and its `allOf` parts merged into one. */
function shape(doc: Doc, schema: unknown): Shape {
  const s = resolve(doc, schema ?? {});
  const parts: Shape[] = (s.allOf ?? []).map((part: unknown) => shape(doc, part));
  const own = s.type === undefined ? undefined : [s.type].flat();
  const bounds: Record<string, number> = Object.assign({}, ...parts.map((p) => p.bounds));
  for (const key of [...lowerBounds, ...upperBounds]) if (typeof s[key] === "number") bounds[key] = s[key];
  return {
    types: own ?? parts.find((p) => p.types)?.types,
    format: s.format ?? parts.find((p) => p.format)?.format,
    enum: s.enum ?? (s.const === undefined ? undefined : [s.const]) ?? parts.find((p) => p.enum)?.enum,
    pattern: s.pattern ?? parts.find((p) => p.pattern)?.pattern,
    properties: Object.assign({}, ...parts.map((p) => p.properties), s.properties),
    required: new Set([...parts.flatMap((p) => [...p.required]), ...(s.required ?? [])]),
    closed: s.additionalProperties === false || s.unevaluatedProperties === false || parts.some((p) => p.closed),
    items: s.items ?? parts.find((p) => p.items)?.items,
    bounds,
  };
}

const show = (value: unknown) => (value === undefined ? "none" : Array.isArray(value) ? value.join("|") : String(value));

class Comparison {
  readonly changes: Change[] = [];

  constructor(
    private readonly before: Doc,
    private readonly after: Doc,
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
    const before = shape(this.before, b);
    const after = shape(this.after, a);
    const subject = path ? `\`${path}\`` : "the value";

    if (show(before.types) !== show(after.types)) {
      const lost = before.types === undefined ? after.types !== undefined : before.types.some((t) => !after.types?.includes(t));
      const gained = after.types === undefined ? before.types !== undefined : after.types.some((t) => !before.types?.includes(t));
      this.constraint(direction, lost, gained, `${where}: type of ${subject} changed from ${show(before.types)} to ${show(after.types)}`);
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
      const [was, now] = [before.required.has(name), after.required.has(name)];
      if (!was && now) this.add(direction === "request", `${where}: property \`${property}\` became required`);
      if (was && !now) this.add(direction === "response", `${where}: property \`${property}\` became optional`);
      this.schema(before.properties[name], after.properties[name], direction, where, property, visiting);
    }
    for (const name of Object.keys(after.properties)) {
      if (name in before.properties) continue;
      const required = after.required.has(name);
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

  private content(b: Record<string, any> | undefined, a: Record<string, any> | undefined, direction: Direction, where: string) {
    for (const [mediaType, media] of Object.entries(b ?? {})) {
      const other = a?.[mediaType];
      if (other === undefined) this.add(true, `${where}: removed media type ${mediaType}`);
      else this.schema(media.schema, other.schema, direction, `${where} (${mediaType})`);
    }
    for (const mediaType of Object.keys(a ?? {})) {
      if (!b?.[mediaType]) this.add(false, `${where}: added media type ${mediaType}`);
    }
  }

  private parameters(b: any[], a: any[], label: string) {
    const byKey = (doc: Doc, list: any[]) =>
      new Map(list.map((p) => resolve(doc, p)).map((p) => [`${p.in}:${p.in === "header" ? p.name.toLowerCase() : p.name}`, p]));
    const [before, after] = [byKey(this.before, b), byKey(this.after, a)];
    for (const [key, was] of before) {
      const where = `${label}, ${was.in} ${was.name}`;
      const now = after.get(key);
      if (now === undefined) {
        this.add(true, `${label}: removed ${was.in} ${was.name}`);
        continue;
      }
      if (!was.required && now.required) this.add(true, `${where}: became required`);
      if (was.required && !now.required) this.add(false, `${where}: became optional`);
      this.schema(was.schema, now.schema, "request", where);
    }
    for (const [key, now] of after) {
      if (!before.has(key)) this.add(Boolean(now.required), `${label}: added ${now.required ? "required" : "optional"} ${now.in} ${now.name}`);
    }
  }

  private responseHeaders(b: Record<string, any> | undefined, a: Record<string, any> | undefined, where: string) {
    const byName = (doc: Doc, headers: Record<string, any> = {}) =>
      new Map(Object.entries(headers).map(([name, h]) => [name.toLowerCase(), { name, ...resolve(doc, h) }]));
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
  private security(doc: Doc, op: any): string {
    const requirements: Record<string, string[]>[] = op.security ?? doc.security ?? [];
    return requirements
      .map((requirement) =>
        Object.keys(requirement)
          .map((name) => {
            const s = resolve(doc, doc.components?.securitySchemes?.[name] ?? {});
            return [s.type, s.in && `in ${s.in}`, s.name, s.scheme, s.bearerFormat].filter(Boolean).join(" ") || `unknown scheme ${name}`;
          })
          .sort()
          .join(" and "),
      )
      .join("; or ") || "none";
  }

  paths(before: Record<string, any>, after: Record<string, any>) {
    const methodsOf = (item: any) => httpMethods.filter((m) => item?.[m]);
    const label = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
    // An operation that left its path and method keeps its operationId: follow it to where it went.
    const byOperationId = new Map(
      Object.entries(after).flatMap(([path, item]) => methodsOf(item).map((method) => [item[method].operationId, { path, method }] as const)),
    );
    const movedTo = new Set<string>();
    for (const [path, itemBefore] of Object.entries(before)) {
      const itemAfter = after[path];
      const lost: string[] = [];
      for (const method of methodsOf(itemBefore)) {
        const was = itemBefore[method];
        const target = itemAfter?.[method] ? { path, method } : byOperationId.get(was.operationId);
        if (!target || (target.path !== path && before[target.path]?.[target.method])) {
          lost.push(method);
          continue;
        }
        if (target.path !== path || target.method !== method) {
          movedTo.add(label(target.method, target.path));
          this.add(true, `${label(method, path)}: moved to ${label(target.method, target.path)} (operationId ${was.operationId})`);
        }
        const item = after[target.path];
        this.operation(was, item[target.method], label(method, path), itemBefore.parameters ?? [], item.parameters ?? []);
      }
      if (!itemAfter && lost.length === methodsOf(itemBefore).length) this.add(true, `removed path ${path}`);
      else for (const method of lost) this.add(true, `removed operation ${label(method, path)}`);
    }
    for (const [path, itemAfter] of Object.entries(after)) {
      const added = methodsOf(itemAfter).filter((m) => !before[path]?.[m] && !movedTo.has(label(m, path)));
      if (!before[path] && added.length === methodsOf(itemAfter).length) this.add(false, `added path ${path}`);
      else for (const method of added) this.add(false, `added operation ${label(method, path)}`);
    }
  }

  private operation(b: any, a: any, label: string, paramsBefore: any[], paramsAfter: any[]) {
    if (b.operationId !== a.operationId) this.add(true, `${label}: operationId changed from ${b.operationId} to ${a.operationId} (the client's method name)`);
    const [securityBefore, securityAfter] = [this.security(this.before, b), this.security(this.after, a)];
    if (securityBefore !== securityAfter) this.add(true, `${label}: security changed from ${securityBefore} to ${securityAfter}`);
    this.parameters([...paramsBefore, ...(b.parameters ?? [])], [...paramsAfter, ...(a.parameters ?? [])], label);

    const [bodyBefore, bodyAfter] = [resolve(this.before, b.requestBody), resolve(this.after, a.requestBody)];
    if (bodyBefore && !bodyAfter) this.add(true, `${label}: removed the request body`);
    if (!bodyBefore && bodyAfter) this.add(Boolean(bodyAfter.required), `${label}: added a ${bodyAfter.required ? "required" : "optional"} request body`);
    if (bodyBefore && bodyAfter) {
      if (!bodyBefore.required && bodyAfter.required) this.add(true, `${label}: the request body became required`);
      if (bodyBefore.required && !bodyAfter.required) this.add(false, `${label}: the request body became optional`);
      this.content(bodyBefore.content, bodyAfter.content, "request", `${label}, request body`);
    }

    for (const [status, response] of Object.entries<any>(b.responses ?? {})) {
      const other = a.responses?.[status];
      if (other === undefined) {
        this.add(true, `${label}: removed response ${status}`);
        continue;
      }
      const [was, now] = [resolve(this.before, response), resolve(this.after, other)];
      this.responseHeaders(was.headers, now.headers, `${label}, response ${status}`);
      this.content(was.content, now.content, "response", `${label}, response ${status}`);
    }
    for (const status of Object.keys(a.responses ?? {})) {
      if (!b.responses?.[status]) this.add(false, `${label}: added response ${status}`);
    }
  }
}

/** Every change of the API between two bundled documents, breaking ones included, in document order. */
export function compareSpecs(before: Doc, after: Doc): Change[] {
  const comparison = new Comparison(before, after);
  comparison.paths(before.paths ?? {}, after.paths ?? {});
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
