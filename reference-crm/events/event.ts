// Khoros's `error-custom-crm` event, as its Notifications API posts it when a call to the CRM fails: an
// envelope (companyId, eventName, createdDate) and a payload (operation, trackingId, description,
// spredfastErrorMessage, externalCall: the failed call whole). The vendor's example is cut off after the
// envelope, so the payload's fields are read both at the top level and under a `payload` object.
//
// Not in spec/: this is what Khoros's Notifications API sends to the kit, not a call of the custom-CRM API
// that the spec describes. Its shape is checked here by hand, field by field, each refusal naming the field.

/** Header or query parameter name → its values, as the event reports them. */
export type Multi = Record<string, string[]>;

/** The failed call from Khoros to the CRM, whole. Other properties Khoros adds are kept as they came. */
export interface ExternalCall {
  requestMethod: string;
  requestUri: string;
  requestHeaders: Multi;
  requestQueryParameters: Multi;
  /** Only when one was sent. */
  requestBody?: string;
  responseHeaders: Multi;
  /** The status the CRM answered; none when it gave no answer. */
  responseCode?: number;
  [other: string]: unknown;
}

/** One event, its payload's fields at the top level whichever shape it came in. */
export interface FailureEvent {
  eventName: typeof failureEventName;
  trackingId: string;
  companyId?: number | string;
  /** As Khoros writes it: Java's `Date.toString()`, such as `Thu Sep 13 09:14:00 UTC 2018`. */
  createdDate?: string;
  /** Khoros's own name of what it was doing, such as `searchCustomerById-hydrateCases`. */
  operation?: string;
  description?: string;
  spredfastErrorMessage?: string;
  externalCall: ExternalCall;
  [other: string]: unknown;
}

/** An event as the store keeps it: when it arrived, and the event (its secrets masked). */
export interface StoredFailureEvent {
  receivedAt: string;
  event: FailureEvent;
}

export const failureEventName = "error-custom-crm";

/** The longest trackingId kept (it is the key of the stored events). */
const maxTrackingId = 256;

export type ParsedEvent =
  | { kind: "failure"; event: FailureEvent }
  | { kind: "other"; eventName: string }
  | { kind: "invalid"; message: string };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Raised with a sentence naming the field at fault. */
class Invalid extends Error {}

/** A `null` reads as not sent, as everywhere Khoros is read. */
function optionalString(from: Record<string, unknown>, name: string, where = ""): string | undefined {
  const value = from[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new Invalid(`${where}${name} must be a string.`);
  return value;
}

function requiredString(from: Record<string, unknown>, name: string, where = ""): string {
  const value = optionalString(from, name, where);
  if (value === undefined || value.trim() === "")
    throw new Invalid(`${where}${name} is required (a non-empty string).`);
  return value;
}

/** Name → list of strings; a single string is read as a list of one. */
function multi(from: Record<string, unknown>, name: string): Multi {
  const value = from[name];
  if (value === undefined || value === null) return {};
  const problem = `externalCall.${name} must map each name to a list of strings.`;
  if (!isObject(value)) throw new Invalid(problem);
  const read: Multi = {};
  for (const [key, values] of Object.entries(value)) {
    if (values === null) continue;
    const list = typeof values === "string" ? [values] : values;
    if (!Array.isArray(list) || !list.every((item) => typeof item === "string")) throw new Invalid(problem);
    read[key] = list;
  }
  return read;
}

function externalCall(value: unknown): ExternalCall {
  if (!isObject(value)) throw new Invalid("externalCall is required: an object describing the failed call.");
  const code = value.responseCode;
  const isStatus = typeof code === "number" && Number.isInteger(code) && code >= 100 && code <= 599;
  if (code !== undefined && code !== null && !isStatus)
    throw new Invalid("externalCall.responseCode must be an HTTP status (an integer from 100 to 599).");
  return {
    ...value,
    requestMethod: requiredString(value, "requestMethod", "externalCall.").toUpperCase(),
    requestUri: requiredString(value, "requestUri", "externalCall."),
    requestHeaders: multi(value, "requestHeaders"),
    requestQueryParameters: multi(value, "requestQueryParameters"),
    requestBody: optionalString(value, "requestBody", "externalCall."),
    responseHeaders: multi(value, "responseHeaders"),
    responseCode: isStatus ? code : undefined,
  };
}

/** The envelope and payload of an `error-custom-crm` event, read into one object. */
function failureEvent(body: Record<string, unknown>): FailureEvent {
  if (body.payload !== undefined && body.payload !== null && !isObject(body.payload))
    throw new Invalid("payload must be an object.");
  const { payload, ...top } = body;
  const fields: Record<string, unknown> = { ...top, ...(isObject(payload) ? payload : {}) };
  const companyId = fields.companyId;
  if (companyId !== undefined && companyId !== null && typeof companyId !== "number" && typeof companyId !== "string")
    throw new Invalid("companyId must be a number.");
  const trackingId = requiredString(fields, "trackingId");
  if (trackingId.length > maxTrackingId)
    throw new Invalid(`trackingId must be at most ${maxTrackingId} characters long.`);
  const texts = ["createdDate", "operation", "description", "spredfastErrorMessage"];
  const event = {
    ...fields,
    ...Object.fromEntries(texts.map((name) => [name, optionalString(fields, name)])),
    eventName: failureEventName,
    trackingId,
    externalCall: externalCall(fields.externalCall),
  };
  return JSON.parse(JSON.stringify(event)) as FailureEvent; // a plain copy, as a store gives it back
}

/** Reads a Notifications API call's body: an `error-custom-crm` event, another event, or why it is neither. */
export function parseEvent(body: unknown): ParsedEvent {
  if (!isObject(body)) return { kind: "invalid", message: "The event must be a JSON object." };
  try {
    const eventName = requiredString(body, "eventName");
    if (eventName !== failureEventName) return { kind: "other", eventName };
    return { kind: "failure", event: failureEvent(body) };
  } catch (error) {
    if (error instanceof Invalid) return { kind: "invalid", message: error.message };
    // Nested deeper than JSON.stringify can walk: no event Khoros writes.
    if (error instanceof RangeError) return { kind: "invalid", message: "The event nests too deep." };
    throw error;
  }
}
