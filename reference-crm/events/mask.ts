// Secrets in a failure event are masked before it is stored or shown: the failed call's headers may hold the
// authHeaderValue Khoros sends (the vendor does not say whether they do), cookies, or other credentials.
// A masked value keeps the header's presence: `***` and, for a value of 16 characters or more, its last 4
// (enough to tell which of several keys Khoros sent, too few to guess it); a shorter one is `***` alone.
import { routes } from "../../generated/server.js";
import type { ExternalCall, FailureEvent, Multi } from "./event.js";

/** The headers that carry the API's key, as the spec's security scheme names them. */
const keyHeaders = new Set(
  Object.values(routes).flatMap((route) => route.apiKeyHeaders.map((name) => name.toLowerCase())),
);

/** Names that hold credentials: Authorization, Proxy-Authorization, Cookie, Set-Cookie, X-Api-Key, tokens… */
const secretName = /auth|cookie|key|token|secret|passw|session|signature|credential/i;

/** True for a header or query parameter whose value is a secret (and so is masked). */
export const isSecretName = (name: string) => secretName.test(name) || keyHeaders.has(name.toLowerCase());

const shownTail = 4;
const longEnough = 16;

/** `***` and the last 4 characters of a long value; `***` alone for a short one. */
export const maskValue = (value: string) => (value.length >= longEnough ? `***${value.slice(-shownTail)}` : "***");

function maskMulti(values: Multi): Multi {
  return Object.fromEntries(
    Object.entries(values).map(([name, list]) => [name, isSecretName(name) ? list.map(maskValue) : list]),
  );
}

/** The URI with the values of its secret query parameters masked; as it is when it does not parse. */
function maskUri(uri: string): string {
  const start = uri.indexOf("?");
  if (start === -1) return uri;
  const query = new URLSearchParams(uri.slice(start + 1));
  if (![...query.keys()].some(isSecretName)) return uri;
  const masked = new URLSearchParams();
  for (const [name, value] of query) masked.append(name, isSecretName(name) ? maskValue(value) : value);
  return `${uri.slice(0, start)}?${masked.toString()}`;
}

/** The event with every secret of its failed call masked. */
export function maskEvent(event: FailureEvent): FailureEvent {
  const call: ExternalCall = {
    ...event.externalCall,
    requestUri: maskUri(event.externalCall.requestUri),
    requestHeaders: maskMulti(event.externalCall.requestHeaders),
    requestQueryParameters: maskMulti(event.externalCall.requestQueryParameters),
    responseHeaders: maskMulti(event.externalCall.responseHeaders),
  };
  return { ...event, externalCall: call };
}
