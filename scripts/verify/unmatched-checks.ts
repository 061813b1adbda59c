// What no operation matches: a path the API does not have (404) and a method a path does not accept (405
// with an honest Allow), both in the contract's error shape. The kit's additions: a server that answers
// them otherwise is warned, not failed.
import { httpMethods } from "../shared/spec-model.js";
import type { Answer, Check, World } from "./check.js";
import { keyHeaderOf, operations, unmatchedResponse } from "./spec-facts.js";

const operationId = "(no operation)";

/** The answer is `status` in JSON, its `error` one of the spec's codes for it and a message given. */
function errorShape(status: number, name: "NotFound" | "MethodNotAllowed") {
  const { codes } = unmatchedResponse(name);
  return (answer: Answer): string[] => {
    const rule = `${name} ${status}`;
    if (answer.status !== status) return [`${rule}: answered ${answer.status}, not ${status}`];
    if (answer.mediaType !== "application/json")
      return [`${rule}: answered in ${answer.mediaType || "no media type"}, not application/json`];
    const body = answer.json as { error?: unknown; message?: unknown } | undefined;
    const problems: string[] = [];
    if (!codes.includes(body?.error as string))
      problems.push(`${rule}: body/error is ${JSON.stringify(body?.error)}, not one of ${codes.join(", ")}`);
    if (typeof body?.message !== "string" || body.message === "")
      problems.push(`${rule}: body/message is not a sentence`);
    return problems;
  };
}

const keyHeader = () => keyHeaderOf(operations[0]!) ?? "Authorization";

/** A path of the spec and a method it lacks, with the methods it has. */
function pathLackingAMethod(): { path: string; method: string; allowed: string[] } {
  const path = operations.find((op) => !op.path.includes("{"))?.path ?? operations[0]!.path;
  const allowed = operations.filter((op) => op.path === path).map((op) => op.method);
  const method = httpMethods
    .map((m) => m.toUpperCase())
    .find((m) => !allowed.includes(m) && m !== "HEAD" && m !== "OPTIONS")!;
  return { path, method, allowed };
}

export function unmatchedChecks(): Check[] {
  const lacking = pathLackingAMethod();
  const base = { operationId, family: "spec" as const, severity: "warn" as const, needsState: true };
  const withKey = (world: World) => ({ [keyHeader()]: world.key, Accept: "application/json" });
  return [
    {
      ...base,
      rule: "404 in the error shape for a path the API does not have",
      request: (world) => ({ method: "GET", path: `/${world.prefix}-no-such-path`, headers: withKey(world) }),
      judge: errorShape(404, "NotFound"),
    },
    {
      ...base,
      rule: `405 with Allow for ${lacking.method} ${lacking.path}`,
      request: (world) => ({ method: lacking.method, path: lacking.path, headers: withKey(world) }),
      judge: (answer) => {
        const problems = errorShape(405, "MethodNotAllowed")(answer);
        const allow = (answer.headers.allow ?? "").split(",").map((m) => m.trim().toUpperCase());
        const missing = lacking.allowed.filter((m) => !allow.includes(m));
        return answer.status === 405 && missing.length > 0
          ? [...problems, `MethodNotAllowed 405: Allow does not list ${missing.join(", ")}`]
          : problems;
      },
    },
  ];
}
