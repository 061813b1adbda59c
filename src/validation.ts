// The validation step: a request's parameters (typed from their text) and its JSON body against the
// operation's generated validators. A request that fails gets the contract's answer: 400 for a property
// the schema does not have; otherwise 422 listing every problem where the operation documents a 422, else 400.
import type { IncomingRequest } from "./incoming.js";
import { type ParameterLocation, readParameters } from "./parameters.js";
import {
  errorFrom,
  invalidInputSituation,
  type ErrorBody,
  type ErrorCatalogue,
  type FieldError,
  fieldErrorsOf,
  unknownPropertyOf,
  type ValidationError,
} from "./server-errors.js";
import type { FieldsShape, Route, Validator } from "./types.js";

/** What a handler is given: the typed parameters by location. */
export type ParameterValues = Partial<Record<ParameterLocation, Record<string, unknown>>>;

export type Validation =
  { valid: true; parameters: ParameterValues } | { valid: false; status: 400 | 422; body: ErrorBody };

/** `fields` as the response's schema has it. */
function withFields(body: ErrorBody, problems: FieldError[], shape: FieldsShape | undefined): ErrorBody {
  if (shape === "one") return { ...body, fields: problems[0]! };
  if (shape === "list") return { ...body, fields: problems };
  return body;
}

/** The parameter validators of each route, as a list, computed once. */
const parameterValidators = new WeakMap<Route, [ParameterLocation, Validator][]>();
const validatorsOf = (route: Route) => {
  let found = parameterValidators.get(route);
  if (!found)
    parameterValidators.set(
      route,
      (found = Object.entries(route.validateParameters) as [ParameterLocation, Validator][]),
    );
  return found;
};

/** The parameters' violations: texts not of their type, then what the validators find of the rest. */
function parameterViolations(route: Route, checked: ParameterValues, mistyped: ValidationError[]): ValidationError[] {
  const violations = [...mistyped];
  for (const [location, validate] of validatorsOf(route)) {
    if (validate(checked[location] ?? {})) continue;
    const found = validate.errors ?? [];
    // A mistyped parameter is left out of `checked`: its "required" from the validator is no news.
    const news = found.filter((e) => !mistyped.some((m) => m.instancePath === `/${String(e.params.missingProperty)}`));
    violations.push(...(mistyped.length === 0 ? found : news));
  }
  return violations;
}

/** Validates a routed request's parameters and (already parsed) body. */
export function validate(
  route: Route,
  request: IncomingRequest,
  pathValues: Readonly<Record<string, string>>,
  body: unknown,
  catalogue: ErrorCatalogue,
): Validation {
  const { values, checked, problems } = readParameters(request, route.parameters, pathValues);
  const violations = parameterViolations(route, checked, problems);
  if (body !== undefined && !route.body!.validate(body)) {
    const bodyViolations = route.body!.validate.errors ?? [];
    const unknown = unknownPropertyOf(bodyViolations);
    if (unknown !== undefined) {
      const unknownField = errorFrom(catalogue, "unknownField", { name: unknown });
      return {
        valid: false,
        status: 400,
        body: withFields(unknownField, [{ name: unknown, errorMessage: unknownField.message }], route.errorFields[400]),
      };
    }
    violations.push(...bodyViolations);
  }
  if (violations.length === 0) return { valid: true, parameters: values };
  const fields = fieldErrorsOf(violations);
  const error = errorFrom(catalogue, invalidInputSituation(route.invalidStatus), {
    problems: fields.map((f) => f.errorMessage).join(" "),
  });
  return {
    valid: false,
    status: route.invalidStatus,
    body: withFields(error, fields, route.errorFields[route.invalidStatus]),
  };
}
