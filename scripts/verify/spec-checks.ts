// The checks derived from the spec, for every operation: each documented status that can be provoked from
// outside (success; 401 without a key and with a wrong one; 404 for what does not exist; 400 and 422 for
// malformed, unknown and mistyped input; 406; 413), in the documented media type, the body valid against
// its schema, the error code the situation has in the catalogue; text/plain too, as `x-text-from` says.
import { randomBytes } from "node:crypto";
import { errorCatalogue } from "../../generated/server.js";
import { defaultBodyLimit } from "../../src/answers.js";
import type { OperationModel } from "../shared/spec-model.js";
import { call, type CallOptions, unknownValue } from "./calls.js";
import type { Answer, Check, Severity, VerifyRequest, World } from "./check.js";
import { all, documented, hasCode, namesField, sameAsJsonTwin } from "./judges.js";
import {
  bodySchemaOf,
  errorCodesOf,
  keyHeaderOf,
  mediaTypesOf,
  objectTypes,
  operations,
  pathParameterOf,
  routeOf,
  severityOf,
  successStatuses,
  writes,
} from "./spec-facts.js";
import { unmatchedChecks } from "./unmatched-checks.js";

interface Provoked {
  rule: string;
  statuses: number[];
  options: CallOptions | ((world: World) => CallOptions);
  /** Extra judges of the JSON answer (its code, the field it names). */
  judge?: (answer: Answer) => string[];
  severity?: Severity;
  /** Also asked for in text/plain, compared with the JSON answer's `x-text-from`. */
  text?: boolean;
  needsState?: boolean;
  writes?: boolean;
}

/** The request of a provoked situation, the key header dropped when `withoutKey`. */
function provoke(op: OperationModel, world: World, options: CallOptions, withoutKey = false): VerifyRequest | string {
  const request = call(op, world, options);
  if (typeof request === "string" || !withoutKey) return request;
  const keyHeader = keyHeaderOf(op)!;
  return { ...request, headers: Object.fromEntries(Object.entries(request.headers).filter(([name]) => name !== keyHeader)) };
}

/** One situation as checks: in JSON, and (when asked and documented) in text/plain. */
function checksOf(op: OperationModel, p: Provoked, withoutKey = false): Check[] {
  const twinKey = `json twin: ${op.operationId} ${p.rule}`;
  const severity = p.severity ?? severityOf(op, p.statuses[0]!);
  const base = { operationId: op.operationId, family: "spec" as const, severity, needsState: p.needsState, writes: p.writes };
  const options = (world: World) => (typeof p.options === "function" ? p.options(world) : p.options);
  const json: Check = {
    ...base,
    rule: p.rule,
    request: (world) => provoke(op, world, { accept: "application/json", ...options(world) }, withoutKey),
    judge: (answer, world) => {
      world.kept.set(twinKey, answer);
      const problems = documented(op, p.statuses)(answer);
      return problems.length > 0 || !p.judge ? problems : p.judge(answer);
    },
  };
  const offersText = p.statuses.some((status) => mediaTypesOf(op, status).includes("text/plain"));
  if (!p.text || !offersText) return [json];
  const text: Check = {
    ...base,
    // A mock answers a refusal from its JSON example, whatever the Accept: the text of an error needs a server.
    needsState: p.needsState || p.statuses.every((status) => status >= 400),
    rule: `${p.rule}, in text/plain`,
    request: (world) => provoke(op, world, { ...options(world), accept: "text/plain" }, withoutKey),
    judge: (answer, world) => {
      const problems = documented(op, p.statuses, "text/plain")(answer);
      return problems.length > 0 || p.writes ? problems : sameAsJsonTwin(op, answer, world.kept.get(twinKey) as Answer | undefined);
    },
  };
  return [json, text];
}

const documents = (op: OperationModel, status: number) => op.responses.some((r) => r.status === status);

function successChecks(op: OperationModel): Check[] {
  const statuses = successStatuses(op);
  return checksOf(op, { rule: `${statuses.join(" or ")} for a valid call`, statuses, options: {}, text: true, writes: writes(op) });
}

function keyChecks(op: OperationModel): Check[] {
  if (!documents(op, 401) || !keyHeaderOf(op)) return [];
  const code = (answer: Answer) => hasCode(op, answer, errorCatalogue.invalidApiKey.error);
  // Not derived from the right key, which must never show in a report.
  const wrongKey = () => ({ anyRecord: true, headers: { [keyHeaderOf(op)!]: `verify-wrong-key-${randomBytes(6).toString("hex")}` } });
  return [
    ...checksOf(op, { rule: "401 without a key", statuses: [401], options: { anyRecord: true }, judge: code, text: true }, true),
    ...checksOf(op, { rule: "401 with a wrong key", statuses: [401], options: wrongKey, judge: code, needsState: true }),
  ];
}

function notFoundChecks(op: OperationModel): Check[] {
  const parameter = pathParameterOf(op);
  if (!parameter || !documents(op, 404)) return [];
  const [code] = errorCodesOf(op, 404);
  return checksOf(op, {
    rule: `404 for an unknown ${parameter.createdAt ? parameter.name : `${parameter.name} (${objectTypes.join(" or ")} only)`}`,
    statuses: [404],
    options: (world) => ({ anyRecord: true, pathValue: unknownValue(op, world) }),
    judge: (answer) => (code ? hasCode(op, answer, code) : []),
    text: true,
    needsState: true,
  });
}

/** The status and code of input that fails validation: 422 where the operation documents one, else 400. */
function invalidInput(op: OperationModel) {
  const status = routeOf(op).invalidStatus;
  return { status, code: status === 422 ? errorCatalogue.fieldValidation.error : errorCatalogue.invalidField.error };
}

function bodyChecks(op: OperationModel): Check[] {
  const schema = bodySchemaOf(op);
  if (!schema) return [];
  const invalid = invalidInput(op);
  const refused = (rule: string, statuses: number[], options: CallOptions | ((world: World) => CallOptions), judge: (a: Answer) => string[], text = false) =>
    checksOf(op, { rule, statuses, options, judge, text, needsState: true });
  const withBody = (change: (body: Record<string, unknown>) => Record<string, unknown>) => (world: World) => {
    const valid = call(op, world, { anyRecord: true });
    const body = typeof valid === "string" || valid.body === undefined ? {} : (JSON.parse(valid.body) as Record<string, unknown>);
    return { anyRecord: true, body: change(body) };
  };
  const checks = [
    ...refused("400 for malformed JSON", [400], { anyRecord: true, raw: '{"unfinished": ' }, (a) => hasCode(op, a, errorCatalogue.malformedJson.error), true),
  ];
  const unknown = "verifyUnknownProperty";
  if (schema.closed) {
    const judge = (a: Answer) => all(hasCode(op, a, errorCatalogue.unknownField.error), namesField(op, a, unknown));
    checks.push(...refused("400 for a property the body does not have", [400], withBody((b) => ({ ...b, [unknown]: "x" })), judge));
  }
  const text = Object.entries(schema.properties).find(([, p]) => [p.type].flat().includes("string"))?.[0];
  if (text) {
    const judge = (a: Answer) => all(hasCode(op, a, invalid.code), namesField(op, a, text));
    checks.push(...refused(`${invalid.status} for ${text} of the wrong type`, [invalid.status], withBody((b) => ({ ...b, [text]: 42 })), judge, invalid.status === 422));
  }
  for (const required of schema.required) {
    const judge = (a: Answer) => all(hasCode(op, a, invalid.code), namesField(op, a, required));
    checks.push(...refused(`${invalid.status} for a null ${required} (required)`, [invalid.status], withBody((b) => ({ ...b, [required]: null })), judge));
  }
  if (documents(op, 413)) {
    const padded = withBody((b) => ({ ...b, [text ?? "padding"]: "x".repeat(defaultBodyLimit + 1024) }));
    checks.push(...refused("413 for a body over 1 MiB", [413], padded, (a) => hasCode(op, a, errorCatalogue.payloadTooLarge.error)));
  }
  return checks;
}

function headerChecks(op: OperationModel): Check[] {
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

function acceptCheck(op: OperationModel): Check[] {
  if (!documents(op, 406)) return [];
  const judge = (a: Answer) => hasCode(op, a, errorCatalogue.notAcceptable.error);
  return checksOf(op, { rule: "406 for an Accept it cannot meet", statuses: [406], options: { anyRecord: true, accept: "image/png" }, judge, needsState: true });
}

/**
 * The headers the spec documents on an answer (X-Request-Id): the kit's, as the vendor documents none,
 * so a server without them is warned.
 */
function documentedHeadersCheck(op: OperationModel): Check[] {
  const headers = Object.keys(op.responses.find((r) => r.status === 401)?.headers ?? {});
  if (headers.length === 0 || !keyHeaderOf(op)) return [];
  const check = checksOf(op, { rule: `the answer carries ${headers.join(", ")}`, statuses: [401], options: { anyRecord: true }, severity: "warn" }, true)[0]!;
  const missing = (answer: Answer) => headers.filter((h) => !answer.headers[h.toLowerCase()]).map((h) => `${op.operationId} ${answer.status}: no ${h} header`);
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
