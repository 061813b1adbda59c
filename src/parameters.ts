// Request parameters (headers, path segments, query strings) arrive as text: this turns each into the
// type its schema declares before validation, and says so when the text is not of that type.
import type { IncomingMessage } from "node:http";
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

export type Coerced =
  | { ok: true; value: unknown; /** What the validator checks: a bigint is checked as the nearest number. */ checked: unknown }
  | { ok: false; problem: ValidationError };

/** One value's text as the declared type, or the problem with it. */
function coerce(name: string, text: string, type: ScalarType, format: string | undefined): Coerced {
  const wrongType = (): Coerced => ({ ok: false, problem: { instancePath: `/${name}`, keyword: "type", params: { type } } });
  switch (type) {
    case "string":
      return { ok: true, value: text, checked: text };
    case "boolean":
      return text === "true" || text === "false" ? { ok: true, value: text === "true", checked: text === "true" } : wrongType();
    case "number": {
      const value = Number(text);
      return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) && Number.isFinite(value) ? { ok: true, value, checked: value } : wrongType();
    }
    case "integer": {
      if (!/^[+-]?\d+$/.test(text)) return wrongType();
      const exact = BigInt(text);
      const range = format ? integerRanges[format] : undefined;
      if (range && (exact < range[0] || exact > range[1])) {
        return { ok: false, problem: { instancePath: `/${name}`, keyword: "format", params: { format } } };
      }
      const value = Number(exact);
      // Beyond JavaScript's safe integers a number would be rounded: the handler gets the exact bigint.
      return { ok: true, value: Number.isSafeInteger(value) ? value : exact, checked: value };
    }
  }
}

/** The raw text of each parameter the request carries, by location. */
export function rawParameters(
  req: IncomingMessage,
  parameters: readonly ParameterSpec[],
  pathValues: Readonly<Record<string, string>>,
): Map<ParameterSpec, string[]> {
  const found = new Map<ParameterSpec, string[]>();
  let query: URLSearchParams | undefined;
  for (const parameter of parameters) {
    if (parameter.in === "path") {
      found.set(parameter, [pathValues[parameter.name]!]);
    } else if (parameter.in === "header") {
      const value = req.headers[parameter.name.toLowerCase()];
      // An empty header of a non-string type is read as not sent: no wider reading refuses it.
      if (typeof value !== "string" || (value === "" && parameter.type !== "string")) continue;
      found.set(parameter, parameter.type === "array" ? value.split(",").map((v) => v.trim()) : [value]);
    } else {
      query ??= new URL(req.url ?? "/", "http://localhost").searchParams;
      if (query.has(parameter.name)) found.set(parameter, parameter.type === "array" ? query.getAll(parameter.name) : [query.get(parameter.name)!]);
    }
  }
  return found;
}

/**
 * Each parameter's typed value, by location: `values` for the handler, `checked` for the validator (the
 * same but for a bigint, which JSON Schema validators cannot read), and the problems found on the way.
 */
export function coerceParameters(raw: Map<ParameterSpec, string[]>) {
  const values: Partial<Record<ParameterLocation, Record<string, unknown>>> = {};
  const checked: Partial<Record<ParameterLocation, Record<string, unknown>>> = {};
  const problems: ValidationError[] = [];
  for (const [parameter, texts] of raw) {
    const type = parameter.type === "array" ? parameter.items! : parameter.type;
    const results = texts.map((text) => coerce(parameter.name, text, type, parameter.format));
    const failed = results.find((result) => !result.ok);
    if (failed && !failed.ok) {
      problems.push(failed.problem); // and nothing for the validator, which would only say it again
      continue;
    }
    const ok = results as Extract<Coerced, { ok: true }>[];
    (values[parameter.in] ??= {})[parameter.name] = parameter.type === "array" ? ok.map((r) => r.value) : ok[0]!.value;
    (checked[parameter.in] ??= {})[parameter.name] = parameter.type === "array" ? ok.map((r) => r.checked) : ok[0]!.checked;
  }
  return { values, checked, problems };
}
