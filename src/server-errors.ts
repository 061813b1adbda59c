// The contract's error bodies. Codes and messages come from the spec's error catalogue
// (spec/errors.yaml, generated into generated/server.ts); this module fills in their placeholders and turns
// validation errors into `fields` entries with readable sentences.

export interface ErrorBody {
  error: string;
  message: string;
  fields?: FieldError | FieldError[];
}

export interface FieldError {
  /** The JSON property (dotted when nested) or the header name. */
  name: string;
  errorMessage: string;
}

/** One situation of the catalogue: its code, and its message with `{placeholders}`. */
export interface CatalogueEntry {
  readonly error: string;
  readonly message: string;
}
export type ErrorCatalogue = Readonly<Record<string, CatalogueEntry>>;

/** The names in a message's `{placeholders}`. */
export type Placeholders<Message extends string> = Message extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;

/** The values a message needs: none, or one string per placeholder. */
export type PlaceholderValues<Message extends string> = [Placeholders<Message>] extends [never]
  ? []
  : [values: Record<Placeholders<Message>, string>];

/**
 * The situations the runtime answers by itself, with the placeholders it fills in. The generator refuses
 * a spec whose catalogue lacks one of them, or whose error responses do not list their codes.
 */
export const runtimeSituations = {
  malformedJson: [],
  notUtf8: [],
  loneSurrogate: [],
  emptyBody: [],
  notAnObject: [],
  nestedTooDeep: ["depth"],
  wrongContentType: [],
  unknownField: ["name"],
  invalidField: ["problems"],
  fieldValidation: ["problems"],
  invalidApiKey: ["header"],
  notAcceptable: ["mediaTypes"],
  payloadTooLarge: ["limit"],
  notFound: ["path"],
  methodNotAllowed: ["path", "method", "allowed"],
  unexpected: [],
  badRequest: [],
  requestTimeout: [],
  headersTooLarge: [],
} as const satisfies Record<string, readonly string[]>;
export type RuntimeSituation = keyof typeof runtimeSituations;

/** The error of a request that fails validation, by its status (see Route.invalidStatus). */
export const invalidInputSituation = (status: 400 | 422) => (status === 422 ? "fieldValidation" : "invalidField");

/** The catalogue's message for a situation, its placeholders filled in. */
export function fillMessage(template: string, values: Readonly<Record<string, string>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The error body of a catalogue situation. */
export function errorFrom(
  catalogue: ErrorCatalogue,
  situation: string,
  values?: Readonly<Record<string, string>>,
): ErrorBody {
  const entry = catalogue[situation];
  if (!entry) throw new Error(`The error catalogue has no situation ${situation}.`);
  return { error: entry.error, message: fillMessage(entry.message, values) };
}

/** "a", "a or b", "a, b or c". */
export const alternatives = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;

/** 1048576 → "1 MiB", 65536 → "64 KiB", 1000 → "1000 bytes". */
export const sizeInWords = (bytes: number) =>
  bytes % 1024 ** 2 === 0 ? `${bytes / 1024 ** 2} MiB` : bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;

/** The part of an Ajv error this module reads. */
export interface ValidationError {
  instancePath: string;
  /** Where in the schema the rule is (`#/anyOf/0/required`); absent on the runtime's own parameter errors. */
  schemaPath?: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** `/address/city` → `address.city` (JSON Pointer segments, unescaped). */
function fieldName(instancePath: string, child?: unknown): string {
  const segments = instancePath
    .split("/")
    .slice(1)
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
  if (typeof child === "string") segments.push(child);
  return segments.join(".");
}

const withArticle = (noun: string) => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`);

/**
 * `string,null` → "a string": the types a value may have, in words. `null` is left out: it reads as "not
 * sent" (the contract's tolerance), which no one needs to be told.
 */
function typesInWords(types: unknown): string {
  const named = String(types).split(",");
  const withoutNull = named.filter((type) => type !== "null");
  return withoutNull.length === 0 ? "null" : alternatives(withoutNull.map(withArticle));
}

const formatNames: Record<string, string> = {
  email: "an email address",
  uri: "an absolute URI",
  "date-time": "a date and time (RFC 3339)",
  date: "a date (YYYY-MM-DD)",
  uuid: "a UUID",
  int32: "an integer from -2147483648 to 2147483647",
  int64: "an integer from -9223372036854775808 to 9223372036854775807",
};

function sentence(name: string, error: ValidationError): string {
  const { params } = error;
  switch (error.keyword) {
    case "type":
      return `${name} must be ${typesInWords(params.type)}.`;
    case "format":
      return `${name} must be ${formatNames[String(params.format)] ?? `a valid ${params.format}`}.`;
    case "required":
      return `${params.alternatives ? alternatives(params.alternatives as string[]) : name} is required.`;
    case "minLength":
      return `${name} must be at least ${params.limit} characters long.`;
    case "maxLength":
      return `${name} must be at most ${params.limit} characters long.`;
    case "minItems":
      return `${name} must have at least ${params.limit} items.`;
    case "pattern":
      return `${name} does not have the expected format.`;
    case "enum":
      return `${name} must be one of: ${(params.allowedValues as unknown[]).filter((value) => value !== null).join(", ")}.`;
    default:
      return `${name} ${error.message ?? "is not valid"}.`;
  }
}

/** The first property the schema does not allow, if any (additionalProperties / unevaluatedProperties). */
export function unknownPropertyOf(found: readonly ValidationError[]): string | undefined {
  for (const error of found) {
    const property = error.params.additionalProperty ?? error.params.unevaluatedProperty;
    if (property !== undefined) return fieldName(error.instancePath, property);
  }
  return undefined;
}

/**
 * The violations with each failed `anyOf`/`oneOf` said once: "customerId or customId is required" when
 * every alternative lacks a property, "accountNumbers must be a string or an array" when every one has
 * another type. Alternatives failing for mixed reasons are left out when other violations remain (those
 * say what to fix first), else said by the alternative that came closest. Ajv reports each alternative's failures under the
 * choice's schema path, before the choice itself.
 */
function withAlternativesMerged(found: readonly ValidationError[]): ValidationError[] {
  let merged = [...found];
  for (const choice of found) {
    if ((choice.keyword !== "anyOf" && choice.keyword !== "oneOf") || choice.schemaPath === undefined) continue;
    const branches = merged.filter((e) => e.schemaPath?.startsWith(`${choice.schemaPath}/`));
    const all = (keyword: string) =>
      branches.length > 0 && branches.every((e) => e.keyword === keyword && e.instancePath === choice.instancePath);
    const others = merged.filter((e) => e !== choice && !branches.includes(e));
    let replacement: ValidationError[];
    if (all("required")) {
      const names = [...new Set(branches.map((e) => String(e.params.missingProperty)))];
      replacement = [{ ...branches[0]!, params: { missingProperty: names[0], alternatives: names } }];
    } else if (all("type")) {
      replacement = [{ ...choice, keyword: "type", params: { type: branches.map((e) => e.params.type).join(",") } }];
    } else {
      replacement = others.length > 0 ? [] : closestBranch(choice, branches);
    }
    const at = branches.length > 0 ? merged.indexOf(branches[0]!) : merged.indexOf(choice);
    merged = [
      ...merged.slice(0, at).filter((e) => others.includes(e)),
      ...replacement,
      ...merged.slice(at).filter((e) => others.includes(e)),
    ];
  }
  return merged;
}

/** The failures of the alternative whose failure lies deepest in the value: the one that came closest. */
function closestBranch(choice: ValidationError, branches: ValidationError[]): ValidationError[] {
  const branchOf = (e: ValidationError) => e.schemaPath!.slice(choice.schemaPath!.length + 1).split("/")[0];
  const depth = (e: ValidationError) => e.instancePath.split("/").length;
  const deepest = branches.reduce((best, e) => (depth(e) > depth(best) ? e : best));
  return branches.filter((e) => branchOf(e) === branchOf(deepest));
}

/** One `fields` entry per distinct violation. */
export function fieldErrorsOf(found: readonly ValidationError[]): FieldError[] {
  const seen = new Set<string>();
  const result: FieldError[] = [];
  for (const error of withAlternativesMerged(found)) {
    const name = fieldName(error.instancePath, error.keyword === "required" ? error.params.missingProperty : undefined);
    const errorMessage = sentence(name, error);
    if (!seen.has(errorMessage)) {
      seen.add(errorMessage);
      result.push({ name, errorMessage });
    }
  }
  return result;
}
