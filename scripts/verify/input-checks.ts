// The refusals of bad input, for every operation with a body or integer headers: malformed JSON, a property
// a closed body does not have, a field of the wrong type, a required one sent as null, a body over 1 MiB,
// an integer header that is not one; each with the status the operation documents for it (400, or 422
// where it has one), the code the catalogue gives the situation, and the field at fault named.
import { errorCatalogue } from "../../generated/server.js";
import { defaultBodyLimit } from "../../src/answers.js";
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

export function bodyChecks(op: OperationModel): Check[] {
  const schema = bodySchemaOf(op);
  if (!schema) return [];
  const invalid = invalidInput(op);
  const refused = (
    rule: string,
    statuses: number[],
    options: CallOptions | ((world: World) => CallOptions),
    judge: (a: Answer) => string[],
    text = false,
  ) => checksOf(op, { rule, statuses, options, judge, text, needsState: true });
  const withBody = (change: (body: Record<string, unknown>) => Record<string, unknown>) => (world: World) => {
    const valid = call(op, world, { anyRecord: true });
    const body =
      typeof valid === "string" || valid.body === undefined ? {} : (JSON.parse(valid.body) as Record<string, unknown>);
    return { anyRecord: true, body: change(body) };
  };
  const checks = [
    ...refused(
      "400 for malformed JSON",
      [400],
      { anyRecord: true, raw: '{"unfinished": ' },
      (a) => hasCode(op, a, errorCatalogue.malformedJson.error),
      true,
    ),
  ];
  const unknown = "verifyUnknownProperty";
  if (schema.closed) {
    const judge = (a: Answer) => all(hasCode(op, a, errorCatalogue.unknownField.error), namesField(op, a, unknown));
    checks.push(
      ...refused(
        "400 for a property the body does not have",
        [400],
        withBody((b) => ({ ...b, [unknown]: "x" })),
        judge,
      ),
    );
  }
  const text = Object.entries(schema.properties).find(([, p]) => [p.type].flat().includes("string"))?.[0];
  if (text) {
    const judge = (a: Answer) => all(hasCode(op, a, invalid.code), namesField(op, a, text));
    checks.push(
      ...refused(
        `${invalid.status} for ${text} of the wrong type`,
        [invalid.status],
        withBody((b) => ({ ...b, [text]: 42 })),
        judge,
        invalid.status === 422,
      ),
    );
  }
  for (const required of schema.required) {
    const judge = (a: Answer) => all(hasCode(op, a, invalid.code), namesField(op, a, required));
    checks.push(
      ...refused(
        `${invalid.status} for a null ${required} (required)`,
        [invalid.status],
        withBody((b) => ({ ...b, [required]: null })),
        judge,
      ),
    );
  }
  if (documents(op, 413)) {
    const padded = withBody((b) => ({ ...b, [text ?? "padding"]: "x".repeat(defaultBodyLimit + 1024) }));
    checks.push(
      ...refused("413 for a body over 1 MiB", [413], padded, (a) =>
        hasCode(op, a, errorCatalogue.payloadTooLarge.error),
      ),
    );
  }
  return checks;
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
