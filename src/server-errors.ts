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

/** The catalogue's message for a situation, its placeholders filled in. */
export function fillMessage(template: string, values: Readonly<Record<string, string>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** The error body of a catalogue situation. */
export function errorFrom(catalogue: ErrorCatalogue, situation: string, values?: Readonly<Record<string, string>>): ErrorBody {
  const entry = catalogue[situation];
  if (!entry) throw new Error(`The error catalogue has no situation ${situation}.`);
  return { error: entry.error, message: fillMessage(entry.message, values) };
}

/** "a", "a or b", "a, b or c". */
export const alternatives = (items: readonly string[]) =>
  items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;

/** 65536 → "64 KiB", 1000 → "1000 bytes". */
export const sizeInWords = (bytes: number) => (bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`);

/** The part of an Ajv error this module reads. */
export interface ValidationError {
  instancePath: string;
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
      return `${name} must be ${withArticle(String(params.type))}.`;
    case "format":
      return `${name} must be ${formatNames[String(params.format)] ?? `a valid ${params.format}`}.`;
    case "required":
      return `${name} is required.`;
    case "minLength":
      return `${name} must be at least ${params.limit} characters long.`;
    case "maxLength":
      return `${name} must be at most ${params.limit} characters long.`;
    case "minItems":
      return `${name} must have at least ${params.limit} items.`;
    case "pattern":
      return `${name} does not have the expected format.`;
    case "enum":
      return `${name} must be one of: ${(params.allowedValues as unknown[]).join(", ")}.`;
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

/** One `fields` entry per distinct violation. */
export function fieldErrorsOf(found: readonly ValidationError[]): FieldError[] {
  const seen = new Set<string>();
  const result: FieldError[] = [];
  for (const error of found) {
    const name = fieldName(error.instancePath, error.keyword === "required" ? error.params.missingProperty : undefined);
    const errorMessage = sentence(name, error);
    if (!seen.has(errorMessage)) {
      seen.add(errorMessage);
      result.push({ name, errorMessage });
    }
  }
  return result;
}
