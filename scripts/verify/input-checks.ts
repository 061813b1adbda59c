// The refusals of bad input, for every operation with a body or integer headers: malformed JSON, a property
// a closed body does not have, a field of the wrong type, a required one sent as null, a body over 1 MiB,
// an integer header that is not one; each with the status the operation documents for it (400, or 422
// where it has one), the code the catalogue gives the situation, and the field at fault named.
import { errorCatalogue } from "../../generated/server.js";
import { defaultBodyLimit } from "../../src/response.js";
import type { OperationModel } from "../shared/spec-model.js";
import { call, type CallOptions } from "./calls.js";
import type { Answer, Check, World } from "./check.js";
import { all, hasCode, namesField } from "./judges.js";
import { checksOf, documents } from "./situations.js";
import { bodySchemaOf, routeOf } from "./spec-facts.js";

/** The status and code of input that fails validation: 422 where the operation documents one, else 400. */
function invalidInput(op: OperationModel) {
  const status = routeOf(op).invalidStatus;
  return { status, code: status === 422 ? errorCatalogue.fieldValidation.error : errorCatalogue.invalidField.error };
}

/** A valid call's body, changed: the change is what the check is about. */
const withBody = (op: OperationModel, change: (body: Json) => Json) => (world: World) => {
  const valid = call(op, world, { anyRecord: true });
  const body = typeof valid === "string" || valid.body === undefined ? {} : (JSON.parse(valid.body) as Json);
  return { anyRecord: true, body: change(body) };
};

type Json = Record<string, unknown>;

interface Refusal {
  rule: string;
  status: number;
  options: CallOptions | ((world: World) => CallOptions);
  code: string;
  /** The field the error must name. */
  names?: string;
  /** Also asked for in text/plain. */
  text?: boolean;
}

/** The refusals of a body: malformed, a property it does not have, a field mistyped, a required one null, too large. */
function refusalsOf(op: OperationModel): Refusal[] {
  const schema = bodySchemaOf(op)!;
  const invalid = invalidInput(op);
  const unknown = "verifyUnknownProperty";
  const text = Object.entries(schema.properties).find(([, p]) => [p.type].flat().includes("string"))?.[0];
  const refusals: Refusal[] = [
    {
      rule: "400 for malformed JSON",
      status: 400,
      options: { anyRecord: true, raw: '{"unfinished": ' },
      code: errorCatalogue.malformedJson.error,
      text: true,
    },
  ];
  if (schema.closed) {
    const options = withBody(op, (b) => ({ ...b, [unknown]: "x" }));
    refusals.push({
      rule: "400 for a property the body does not have",
      status: 400,
      options,
      code: errorCatalogue.unknownField.error,
      names: unknown,
    });
  }
  if (text) {
    const options = withBody(op, (b) => ({ ...b, [text]: 42 }));
    const rule = `${invalid.status} for ${text} of the wrong type`;
    refusals.push({
      rule,
      status: invalid.status,
      options,
      code: invalid.code,
      names: text,
      text: invalid.status === 422,
    });
  }
  for (const required of schema.required) {
    const options = withBody(op, (b) => ({ ...b, [required]: null }));
    refusals.push({
      rule: `${invalid.status} for a null ${required} (required)`,
      status: invalid.status,
      options,
      code: invalid.code,
      names: required,
    });
  }
  if (documents(op, 413)) {
    const options = withBody(op, (b) => ({ ...b, [text ?? "padding"]: "x".repeat(defaultBodyLimit + 1024) }));
    refusals.push({
      rule: "413 for a body over 1 MiB",
      status: 413,
      options,
      code: errorCatalogue.payloadTooLarge.error,
    });
  }
  return refusals;
}

export function bodyChecks(op: OperationModel): Check[] {
  if (!bodySchemaOf(op)) return [];
  return refusalsOf(op).flatMap(({ rule, status, options, code, names, text }) => {
    const judge = (a: Answer) => all(hasCode(op, a, code), names ? namesField(op, a, names) : []);
    return checksOf(op, { rule, statuses: [status], options, judge, text, needsState: true });
  });
}

export function headerChecks(op: OperationModel): Check[] {
  const invalid = invalidInput(op);
  const integers = routeOf(op).parameters.filter((p) => p.in === "header" && p.type === "integer");
  return integers.flatMap((header) =>
    checksOf(op, {
      rule: `${invalid.status} for ${header.name} that is not an integer`,
      statuses: [invalid.status],
      options: { anyRecord: true, headers: { [header.name]: "eight" } },
      judge: (a) => all(hasCode(op, a, invalid.code), namesField(op, a, header.name)),
      needsState: true,
    }),
  );
}
