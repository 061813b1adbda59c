// The last steps: check what a handler returned against the spec (its status, whether it has a body, and,
// when asked, the body's schema), then serialise it in the negotiated media type: JSON, or the text the
// spec's `x-text-from` names (see text-bodies.ts).
import { isPlainObject } from "./request-body.js";
import { jsonMediaType } from "./response.js";
import { textFrom } from "./text-bodies.js";
import type { Route } from "./types.js";

export interface HandlerResult {
  status: number;
  body?: unknown;
}

/**
 * Why a handler's result is off-contract, or undefined when it is fine. The status and the body's presence
 * are always checked (they decide what is sent); the JSON body only when `validateBody` is on (a text/plain
 * body is checked as it is made).
 */
export function offContract(route: Route, result: unknown, validateBody: boolean): unknown {
  if (!isPlainObject(result) || typeof result.status !== "number") return "the handler must return { status, body }";
  const documented = route.responses[result.status];
  if (!documented) return `status ${result.status} is not documented for ${route.operationId}`;
  if (documented.mediaTypes.length === 0)
    return result.body === undefined ? undefined : `status ${result.status} has no body`;
  if (result.body === undefined) return `status ${result.status} needs a body`;
  if (validateBody && documented.validate && !documented.validate(result.body)) return documented.validate.errors;
  return undefined;
}

/** The body of a checked result in a media type its status offers; undefined when its text is missing. */
export function serialise(route: Route, result: HandlerResult, mediaType: string): string | undefined {
  return mediaType === jsonMediaType
    ? JSON.stringify(result.body)
    : textFrom(result.body, route.responses[result.status]!.textFrom!);
}
