// The checks derived from the spec, for every operation: each documented status that can be provoked from
// outside (success; 401 without a key and with a wrong one; 404 for what does not exist; 400 and 422 for
// malformed, unknown and mistyped input, in ./input-checks.ts; 406; 413), in the documented media type, the
// body valid against its schema, the error code the situation has in the catalogue; text/plain too, as
// `x-text-from` says; then what no operation matches (./unmatched-checks.ts).
import { randomBytes } from "node:crypto";
import { errorCatalogue } from "../../generated/server.js";
import type { OperationModel } from "../shared/spec-model.js";
import { unknownValue } from "./calls.js";
import type { Answer, Check } from "./check.js";
import { hasCode } from "./judges.js";
import { bodyChecks, headerChecks } from "./input-checks.js";
import { checksOf, documents } from "./situations.js";
import {
  errorCodesOf,
  keyHeaderOf,
  objectTypes,
  operations,
  pathParameterOf,
  successStatuses,
  writes,
} from "./spec-facts.js";
import { unmatchedChecks } from "./unmatched-checks.js";

function successChecks(op: OperationModel): Check[] {
  const statuses = successStatuses(op);
  return checksOf(op, {
    rule: `${statuses.join(" or ")} for a valid call`,
    statuses,
    options: {},
    text: true,
    writes: writes(op),
  });
}

function keyChecks(op: OperationModel): Check[] {
  if (!documents(op, 401) || !keyHeaderOf(op)) return [];
  const code = (answer: Answer) => hasCode(op, answer, errorCatalogue.invalidApiKey.error);
  // Not derived from the right key, which must never show in a report.
  const wrongKey = () => ({
    anyRecord: true,
    headers: { [keyHeaderOf(op)!]: `verify-wrong-key-${randomBytes(6).toString("hex")}` },
  });
  return [
    ...checksOf(
      op,
      { rule: "401 without a key", statuses: [401], options: { anyRecord: true }, judge: code, text: true },
      true,
    ),
    ...checksOf(op, {
      rule: "401 with a wrong key",
      statuses: [401],
      options: wrongKey,
      judge: code,
      needsState: true,
    }),
  ];
}

function notFoundChecks(op: OperationModel): Check[] {
  const parameter = pathParameterOf(op);
  if (!parameter || !documents(op, 404)) return [];
  const [code] = errorCodesOf(op, 404);
  return checksOf(op, {
    rule: `404 for an unknown ${parameter.name}${parameter.createdAt ? "" : ` (${objectTypes.join(" or ")} only)`}`,
    statuses: [404],
    options: (world) => ({ anyRecord: true, pathValue: unknownValue(op, world) }),
    judge: (answer) => (code ? hasCode(op, answer, code) : []),
    text: true,
    needsState: true,
  });
}

function acceptCheck(op: OperationModel): Check[] {
  if (!documents(op, 406)) return [];
  const judge = (a: Answer) => hasCode(op, a, errorCatalogue.notAcceptable.error);
  return checksOf(op, {
    rule: "406 for an Accept it cannot meet",
    statuses: [406],
    options: { anyRecord: true, accept: "image/png" },
    judge,
    needsState: true,
  });
}

/**
 * The headers the spec documents on an answer (X-Request-Id): the kit's, as the vendor documents none,
 * so a server without them is warned.
 */
function documentedHeadersCheck(op: OperationModel): Check[] {
  const headers = Object.keys(op.responses.find((r) => r.status === 401)?.headers ?? {});
  if (headers.length === 0 || !keyHeaderOf(op)) return [];
  const check = checksOf(
    op,
    {
      rule: `the answer carries ${headers.join(", ")}`,
      statuses: [401],
      options: { anyRecord: true },
      severity: "warn",
    },
    true,
  )[0]!;
  const missing = (answer: Answer) =>
    headers
      .filter((h) => !answer.headers[h.toLowerCase()])
      .map((h) => `${op.operationId} ${answer.status}: no ${h} header`);
  return [{ ...check, judge: missing }];
}

/** Every check derived from the spec, grouped by operation, then those of no operation. */
export function specChecks(): Check[] {
  const perOperation = operations.flatMap((op) => [
    ...successChecks(op),
    ...keyChecks(op),
    ...notFoundChecks(op),
    ...bodyChecks(op),
    ...headerChecks(op),
    ...acceptCheck(op),
    ...documentedHeadersCheck(op),
  ]);
  return [...perOperation, ...unmatchedChecks()];
}
