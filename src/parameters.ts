// Request parameters (headers, path segments, query strings) arrive as text: this turns each into the
// type its schema declares before validation, and says so when the text is not of that type. It runs on
// every request, so it reads each parameter once and allocates little.
import type { IncomingRequest } from "./incoming.js";
import type { ValidationError } from "./server-errors.js";

export type ParameterLocation = "header" | "path" | "query";
type ScalarType = "string" | "integer" | "number" | "boolean";

/** One parameter as the generator describes it (see generated/server.ts). */
export interface ParameterSpec {
  name: string;
  in: ParameterLocation;
  type: ScalarType | "array";
  /** The type of an array's items. */
  items?: ScalarType;
  /** `int32` or `int64` for an integer. */
  format?: string;
}

const integerRanges: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** A value that is not of its parameter's type, or out of its format's range. */
const notA = (name: string, keyword: "type" | "format", params: Record<string, unknown>): ValidationError => ({
  instancePath: `/${name}`,
  keyword,
  params,
});

/** One value's text as the declared type, or the problem with it. */
function coerce(name: string, text: string, type: ScalarType, format: string | undefined): unknown {
  switch (type) {
    case "string":
      return text;
    case "boolean":
      return text === "true" ? true : text === "false" ? false : notA(name, "type", { type });
    case "number": {
      const value = Number(text);
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) && Number.isFinite(value)
        ? value
        : notA(name, "type", { type });
    }
    case "integer": {
      if (!/^[+-]?\d+$/.test(text)) return notA(name, "type", { type });
      // Beyond JavaScript's safe integers a number would be rounded: the handler gets the exact bigint.
      const value = Number(text);
      const exact = Number.isSafeInteger(value) ? value : BigInt(text);
      const range = format ? integerRanges[format] : undefined;
      return range && (exact < range[0] || exact > range[1]) ? notA(name, "format", { format }) : exact;
    }
  }
}

const isProblem = (value: unknown): value is ValidationError =>
  typeof value === "object" && value !== null && "keyword" in value;

/** The raw text of a parameter in the request, as a list for an array; undefined when it is not sent. */
function parameterText(
  request: IncomingRequest,
  parameter: ParameterSpec,
  pathValues: Readonly<Record<string, string>>,
  query: () => URLSearchParams,
): string | string[] | undefined {
  if (parameter.in === "path") return pathValues[parameter.name];
  if (parameter.in === "header") {
    const value = request.header(parameter.name.toLowerCase());
    // An empty header of a non-string type is read as not sent: no wider reading refuses it.
    if (typeof value !== "string" || (value === "" && parameter.type !== "string")) return undefined;
    return parameter.type === "array" ? value.split(",").map((v) => v.trim()) : value;
  }
  const params = query();
  if (!params.has(parameter.name)) return undefined;
  return parameter.type === "array" ? params.getAll(parameter.name) : params.get(parameter.name)!;
}

export interface ReadParameters {
  /** Each parameter's typed value by location, for the handler. */
  values: Partial<Record<ParameterLocation, Record<string, unknown>>>;
  /** The same for the validator, a bigint as the nearest number (JSON Schema validators cannot read a bigint). */
  checked: Partial<Record<ParameterLocation, Record<string, unknown>>>;
  /** Texts that are not of their parameter's type (those parameters are left out of `checked`). */
  problems: ValidationError[];
}

/** Reads, and types, every parameter of the operation the request carries. */
export function readParameters(
  request: IncomingRequest,
  parameters: readonly ParameterSpec[],
  pathValues: Readonly<Record<string, string>>,
): ReadParameters {
  const read: ReadParameters = { values: {}, checked: {}, problems: [] };
  let query: URLSearchParams | undefined;
  const queryOnce = () => (query ??= new URL(request.url, "http://localhost").searchParams);
  for (const parameter of parameters) {
    const text = parameterText(request, parameter, pathValues, queryOnce);
    if (text === undefined) continue;
    const type = parameter.type === "array" ? parameter.items! : parameter.type;
    const value = Array.isArray(text)
      ? text.map((t) => coerce(parameter.name, t, type, parameter.format))
      : coerce(parameter.name, text, type, parameter.format);
    const problem = Array.isArray(value) ? value.find(isProblem) : isProblem(value) ? value : undefined;
    if (problem) {
      read.problems.push(problem); // and nothing for the validator, which would only say it again
      continue;
    }
    (read.values[parameter.in] ??= {})[parameter.name] = value;
    const checked = Array.isArray(value)
      ? value.map((v) => (typeof v === "bigint" ? Number(v) : v))
      : typeof value === "bigint"
        ? Number(value)
        : value;
    (read.checked[parameter.in] ??= {})[parameter.name] = checked;
  }
  return read;
}
