// The receiver of Khoros's Notifications API calls (`POST /khoros/events` unless told another path): an
// `error-custom-crm` event is masked and kept in the CRM's store before the answer; another event is read
// and ignored. The token Khoros sends as `Authorization: Bearer <bearerToken>` of its subscription is
// compared in constant time (as digests, like the API's keys). Answers, in the kit's error shape for errors:
//   202 the event is kept (the same answer for a trackingId already kept: nothing changes)
//   200 another event, ignored
//   401 invalid_token: no bearer token, or another one (nothing is read or kept)
//   400 invalid_event: not JSON, or not the shape of an event (the message names the field)
//   405 method_not_allowed: a method other than POST
//   413 payload_too_large: an event over 4 MiB
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  createKeyChecker,
  describeError,
  errorBody,
  type LogEntry,
  logToStderr,
  type RequestRecord,
  sendError,
  sendJson,
} from "../../generated/server.js";
import type { CrmStore } from "../stores/store.js";
import { parseEvent } from "./event.js";
import { maskEvent } from "./mask.js";

export const defaultEventsPath = "/khoros/events";

/** An event holds the failed call whole, its body up to the API's 1 MiB, escaped into a JSON string. */
const eventLimit = 4 * 1024 * 1024;

export interface EventsSettings {
  store: CrmStore;
  /** The bearer token of the Khoros subscription (KHOROS_EVENTS_TOKEN). */
  token: string;
  /** The path Khoros posts to, from the host's root: outside the API's base path (KHOROS_EVENTS_PATH). */
  path?: string;
  /** Told of every answer, as the API's listener tells it of its responses. */
  requestLog?: (record: RequestRecord) => void;
  /** Where errors go; one JSON line on stderr unless set. */
  log?: (entry: LogEntry) => void;
}

type Answer = { status: number; body: Record<string, unknown>; error?: boolean; headers?: Record<string, string> };

const refusal = (status: number, error: string, message: string, headers?: Record<string, string>): Answer => ({
  status,
  body: { error, message },
  error: true,
  headers,
});

/** The body, up to the limit; "too_large" past it (the rest is left unread); "aborted" when the client left. */
function readBody(req: IncomingMessage): Promise<Buffer | "too_large" | "aborted"> {
  if (Number(req.headers["content-length"]) > eventLimit) return Promise.resolve("too_large");
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= eventLimit) return void chunks.push(chunk);
      req.off("data", onData).pause();
      resolve("too_large");
    };
    req.on("data", onData).once("end", () => resolve(Buffer.concat(chunks)));
    req.once("close", () => resolve("aborted")); // no-op once resolved
  });
}

/** What to answer a POST bearing the right token, its event kept first when it is one to keep. */
async function receive(req: IncomingMessage, store: CrmStore): Promise<Answer | "aborted"> {
  const bytes = await readBody(req);
  if (bytes === "aborted") return bytes;
  if (bytes === "too_large")
    return refusal(413, "payload_too_large", `The event is larger than ${eventLimit / 1024 ** 2} MiB.`);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    return refusal(400, "invalid_event", "The event is not JSON.");
  }
  const parsed = parseEvent(json);
  if (parsed.kind === "invalid") return refusal(400, "invalid_event", parsed.message);
  if (parsed.kind === "other") return { status: 200, body: { ignored: parsed.eventName } };
  await store.addFailureEvent(maskEvent(parsed.event));
  return { status: 202, body: { received: parsed.event.eventName, trackingId: parsed.event.trackingId } };
}

/**
 * A listener for the events path: it answers a request there and returns true, or returns false for any
 * other path (for the API and the pages to answer).
 */
export function createEventsReceiver(settings: EventsSettings) {
  const { store, token, path = defaultEventsPath, requestLog, log = logToStderr } = settings;
  const checkToken = createKeyChecker({ khoros: token });
  const bearer = (header: string | undefined) => /^Bearer +(\S+) *$/i.exec(header ?? "")?.[1];

  async function answer(req: IncomingMessage): Promise<Answer | "aborted"> {
    if (req.method !== "POST") {
      const body = errorBody("methodNotAllowed", { path, method: req.method ?? "", allowed: "POST" });
      return refusal(405, body.error, body.message, { Allow: "POST" });
    }
    if (!checkToken(bearer(req.headers.authorization)))
      return refusal(401, "invalid_token", "The bearer token is missing or not the one of the Khoros subscription.", {
        "WWW-Authenticate": 'Bearer realm="khoros-events"',
      });
    return receive(req, store);
  }

  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if ((req.url ?? "/").split("?")[0] !== path) return false;
    const started = performance.now();
    const requestId = randomUUID();
    const header = (name: string) => [req.headers[name] ?? []].flat().join(", ") || undefined;
    const send = (answered: Answer | "aborted") => {
      if (answered === "aborted") return;
      const { status, body, error, headers } = answered;
      if (error) sendError(req, res, status, body as { error: string; message: string }, { requestId, headers });
      else sendJson(req, res, status, body, { requestId, headers });
      requestLog?.({ method: req.method ?? "", path, status, requestId, ms: performance.now() - started, header });
    };
    answer(req).then(send, (error: unknown) => {
      // The store could not keep it: a 500, so that Khoros may send it again.
      log({ level: "error", requestId, message: "The failure event could not be kept.", detail: describeError(error) });
      send(refusal(500, "unexpected_error", "The event could not be kept. Please send it again later."));
    });
    return true;
  };
}
