// The contract's error bodies, and how validation errors become `fields` entries with readable sentences.

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

/** The part of an Ajv error this module reads. */
export interface ValidationError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export const errors = {
  notJsonObject: (): ErrorBody => ({ error: "invalid_payload", message: "The request body must be a JSON object." }),
  wrongContentType: (): ErrorBody => ({
    error: "invalid_payload",
    message: "The request body must be sent as Content-Type: application/json (UTF-8).",
  }),
  unknownProperty: (name: string): ErrorBody => ({
    error: "invalid_field",
    message: "The request body has a field that is not part of the schema.",
    fields: { name, errorMessage: `${name} is not a known field.` },
  }),
  fieldValidation: (fields: FieldError[]): ErrorBody => ({
    error: "field_validation_error",
    message: "Some fields have a wrong type or value.",
    fields,
  }),
  invalidApiKey: (): ErrorBody => ({ error: "invalid_api_key", message: "The API key is missing, unknown or revoked." }),
  notAcceptable: (available: readonly string[]): ErrorBody => ({
    error: "not_acceptable",
    message: `This server answers in ${available.join(" or ")} only.`,
  }),
  payloadTooLarge: (limit: number): ErrorBody => ({
    error: "payload_too_large",
    message: `The request body is larger than ${limit % 1024 === 0 ? `${limit / 1024} KiB` : `${limit} bytes`}.`,
  }),
  notFound: (): ErrorBody => ({ error: "not_found", message: "There is no operation at this path." }),
  methodNotAllowed: (): ErrorBody => ({
    error: "method_not_allowed",
    message: "This path does not accept this method; the Allow header lists those it does.",
  }),
  unexpected: (): ErrorBody => ({ error: "unexpected_error", message: "Something went wrong on our side. Please try again later." }),
};

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
