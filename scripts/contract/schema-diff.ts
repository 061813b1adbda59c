// The schema half of the breaking-change check: two schemas compared in a direction. A request breaks when
// what it may carry narrows, a response when what it may carry widens; a removed property always breaks.
import { lowerBounds, type SchemaShape, type SpecModel, upperBounds } from "../shared/spec-model.js";

export interface Change {
  breaking: boolean;
  message: string;
}

export type Direction = "request" | "response";

export const show = (value: unknown) =>
  value === undefined ? "none" : Array.isArray(value) ? value.join("|") : String(value);

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

export class SchemaComparison {
  readonly changes: Change[] = [];

  constructor(
    protected readonly before: SpecModel,
    protected readonly after: SpecModel,
  ) {}

  protected add(breaking: boolean, message: string) {
    this.changes.push({ breaking, message });
  }

  /** A constraint that narrowed breaks requests; one that widened breaks responses; one replaced, both. */
  protected constraint(direction: Direction, narrowed: boolean, widened: boolean, message: string) {
    this.add(direction === "request" ? narrowed : widened, message);
  }

  /** Compares two schemas, `path` naming the property they describe (`""` for the body itself). */
  protected schema(
    b: unknown,
    a: unknown,
    direction: Direction,
    where: string,
    path = "",
    visiting = new Set<string>(),
  ) {
    const pair = `${(b as any)?.$ref}|${(a as any)?.$ref}`;
    if (visiting.has(pair) && pair !== "undefined|undefined") return; // a recursive schema, already being compared
    visiting = new Set(visiting).add(pair);
    const subject = path ? `\`${path}\`` : "the value";
    const [was, now] = [alternativesOf(this.before, b), alternativesOf(this.after, a)];
    if (was.nullable !== now.nullable) {
      this.constraint(
        direction,
        was.nullable,
        now.nullable,
        `${where}: ${subject} ${now.nullable ? "may now be null" : "may no longer be null"}`,
      );
    }
    if (was.options.length !== 1 || now.options.length !== 1) {
      // Alternatives (oneOf) compared in order; one added widens what may be sent, one removed narrows it.
      const shared = Math.min(was.options.length, now.options.length);
      for (let i = 0; i < shared; i++) this.schema(was.options[i], now.options[i], direction, where, path, visiting);
      if (now.options.length > shared)
        this.constraint(
          direction,
          false,
          true,
          `${where}: ${subject} has ${now.options.length - shared} more alternative(s)`,
        );
      if (was.options.length > shared)
        this.constraint(
          direction,
          true,
          false,
          `${where}: ${subject} has ${was.options.length - shared} fewer alternative(s)`,
        );
      return;
    }
    const [before, after] = [this.before.shape(was.options[0]), this.after.shape(now.options[0])];
    this.constraints(before, after, direction, `${where}: `, subject);
    this.properties(before, after, direction, where, path, visiting);
    if (before.items !== undefined && after.items !== undefined) {
      this.schema(before.items, after.items, direction, where, `${path}[]`, visiting);
    }
  }

  /** The constraints of one level: type, format, pattern, enum, bounds, closed. */
  private constraints(before: SchemaShape, after: SchemaShape, direction: Direction, at: string, subject: string) {
    if (show(before.types) !== show(after.types)) {
      const lost =
        before.types === undefined ? after.types !== undefined : before.types.some((t) => !after.types?.includes(t));
      const gained =
        after.types === undefined ? before.types !== undefined : after.types.some((t) => !before.types?.includes(t));
      const notNull = (types?: string[]) => show(types?.filter((t) => t !== "null"));
      const onlyNull = before.types && after.types && notNull(before.types) === notNull(after.types);
      const change = onlyNull
        ? `${subject} ${gained ? "may now be null" : "may no longer be null"}`
        : `type of ${subject} changed from ${show(before.types)} to ${show(after.types)}`;
      this.constraint(direction, lost, gained, `${at}${change}`);
    }
    for (const key of ["format", "pattern"] as const) {
      if (before[key] === after[key]) continue;
      const message = `${at}${key} of ${subject} changed from ${show(before[key])} to ${show(after[key])}`;
      this.constraint(direction, after[key] !== undefined, before[key] !== undefined, message);
    }
    this.enumValues(before.enum, after.enum, direction, at, subject);
    for (const key of [...lowerBounds, ...upperBounds]) {
      const [was, now] = [before.bounds[key], after.bounds[key]];
      if (was === now) continue;
      const tighter = (x: number, y: number) => (lowerBounds.includes(key) ? x > y : x < y);
      const narrowed = was === undefined || (now !== undefined && tighter(now, was));
      this.constraint(
        direction,
        narrowed,
        !narrowed,
        `${at}${key} of ${subject} changed from ${show(was)} to ${show(now)}`,
      );
    }
    if (before.closed !== after.closed) {
      const message = `${at}${subject} ${after.closed ? "no longer allows" : "now allows"} properties not listed`;
      this.constraint(direction, after.closed, before.closed, message);
    }
  }

  /** Properties removed, added, or made required or optional, and each kept one compared in turn. */
  private properties(
    before: SchemaShape,
    after: SchemaShape,
    direction: Direction,
    where: string,
    path: string,
    visiting: Set<string>,
  ) {
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
      this.add(
        direction === "request" && required,
        `${where}: added ${required ? "required" : "optional"} property \`${prefix}${name}\``,
      );
    }
  }

  private enumValues(
    was: unknown[] | undefined,
    now: unknown[] | undefined,
    direction: Direction,
    at: string,
    subject: string,
  ) {
    if (was === undefined && now === undefined) return;
    if (was === undefined || now === undefined) {
      this.constraint(
        direction,
        now !== undefined,
        was !== undefined,
        `${at}${subject} ${now ? "became an enum" : "is no longer an enum"}`,
      );
      return;
    }
    const key = (value: unknown) => JSON.stringify(value);
    for (const value of was) {
      if (!now.some((v) => key(v) === key(value)))
        this.constraint(direction, true, false, `${at}enum value ${key(value)} of ${subject} removed`);
    }
    for (const value of now) {
      if (!was.some((v) => key(v) === key(value)))
        this.constraint(direction, false, true, `${at}enum value ${key(value)} of ${subject} added`);
    }
  }
}
