// The receiver of Khoros's error-custom-crm events (reference-crm/events/): off unless a token is set, then a
// 401 for another token, a 400 for a body of another shape, other events ignored, and each failure event
// kept once per trackingId with its secrets masked, in either envelope, before the answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryCrmStore } from "../reference-crm/stores/memory.js";
import { fixture, fixtureNames, flat, nested, trackingIdOf } from "./support/events.js";
import { type CrmTestServer, startCrmServer } from "./support/server.js";

const token = "events-token-for-tests";
const bearer = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };

async function post(url: string, body: unknown, headers: Record<string, string> = bearer, path = "/khoros/events") {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as unknown) : undefined };
}

const errorShape = (error: string) => ({ error, message: expect.any(String) });

describe("without KHOROS_EVENTS_TOKEN", () => {
  it("the events path is an unknown path: the API's 404, in its error shape", async () => {
    const server = await startCrmServer(new MemoryCrmStore());
    try {
      const answer = await post(server.url, fixture("succeeds-now.json"));
      expect(answer.status).toBe(404);
      expect(answer.json).toEqual(errorShape("not_found"));
    } finally {
      await server.close();
    }
  });
});

describe("with KHOROS_EVENTS_TOKEN", () => {
  let store: MemoryCrmStore;
  let server: CrmTestServer;
  beforeAll(async () => {
    store = new MemoryCrmStore();
    server = await startCrmServer(store, undefined, undefined, { events: { token } });
  });
  afterAll(() => server.close());

  it.each([
    ["no Authorization", { "Content-Type": "application/json" }],
    ["another token", { ...bearer, Authorization: "Bearer events-token-for-test" }],
    ["the token without its scheme", { ...bearer, Authorization: token }],
  ])("%s: 401 invalid_token, and nothing kept", async (_, headers) => {
    const answer = await post(server.url, fixture("succeeds-now.json"), headers);
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual(errorShape("invalid_token"));
    expect(answer.headers.get("www-authenticate")).toMatch(/^Bearer /);
    expect(await store.listFailureEvents(10)).toEqual([]);
  });

  const event = flat(fixture("succeeds-now.json"));
  const call = event.externalCall as Record<string, unknown>;
  it.each([
    ["not JSON", '{"eventName": "error-custom-crm",', "The event is not JSON."],
    ["not an object", [event], "The event must be a JSON object."],
    ["no eventName", { ...event, eventName: undefined }, "eventName is required (a non-empty string)."],
    ["no trackingId", { ...event, trackingId: "" }, "trackingId is required (a non-empty string)."],
    [
      "no externalCall",
      { ...event, externalCall: "GET /" },
      "externalCall is required: an object describing the failed call.",
    ],
    ["a payload that is no object", { ...event, payload: "x" }, "payload must be an object."],
    [
      "headers not lists of strings",
      { ...event, externalCall: { ...call, requestHeaders: { Accept: [1] } } },
      "externalCall.requestHeaders must map each name to a list of strings.",
    ],
    [
      "a response code that is no status",
      { ...event, externalCall: { ...call, responseCode: "500" } },
      "externalCall.responseCode must be an HTTP status (an integer from 100 to 599).",
    ],
  ])("%s: 400 invalid_event naming what is wrong, and nothing kept", async (_, body, message) => {
    const answer = await post(server.url, body);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: "invalid_event", message });
    expect(await store.listFailureEvents(10)).toEqual([]);
  });

  it("another event of the Notifications API: 200, ignored, nothing kept", async () => {
    const answer = await post(server.url, { companyId: 1, eventName: "conversation-created", payload: {} });
    expect(answer).toMatchObject({ status: 200, json: { ignored: "conversation-created" } });
    expect(await store.listFailureEvents(10)).toEqual([]);
  });

  it("a method other than POST: 405 with Allow, in the error shape", async () => {
    const response = await fetch(`${server.url}/khoros/events`, { headers: bearer });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(await response.json()).toEqual(errorShape("method_not_allowed"));
  });

  it("an event over 4 MiB: 413 in the error shape", async () => {
    const big = { ...event, externalCall: { ...call, requestBody: "x".repeat(4 * 1024 * 1024) } };
    const answer = await post(server.url, big);
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual(errorShape("payload_too_large"));
  });

  it.each(
    fixtureNames.flatMap((name) => [
      { name, shape: "flat", body: flat(fixture(name)) },
      { name, shape: "nested", body: nested(fixture(name)) },
    ]),
  )("$name, its fields $shape: 202, kept once with its secrets masked", async ({ name, body }) => {
    const trackingId = `${trackingIdOf(body)}-${Math.random()}`;
    const sent =
      "payload" in body ? { ...body, payload: { ...(body.payload as object), trackingId } } : { ...body, trackingId };
    const first = await post(server.url, sent);
    expect(first).toMatchObject({ status: 202, json: { received: "error-custom-crm", trackingId } });
    const again = await post(server.url, { ...sent, createdDate: "changed" });
    expect(again.json).toEqual(first.json);
    const stored = (await store.getFailureEvent(trackingId))!;
    expect(stored.event).toEqual(expected(name, trackingId));
    expect(JSON.stringify(stored)).not.toMatch(/k3y-registered|4f1c0d|9a7e21/);
  });
});

describe("masking", () => {
  let store: MemoryCrmStore;
  let server: CrmTestServer;
  beforeAll(async () => {
    store = new MemoryCrmStore();
    server = await startCrmServer(store, undefined, undefined, { events: { token } });
  });
  afterAll(() => server.close());

  it("keeps a secret's presence: *** and the last 4 characters of a long value, *** alone for a short", async () => {
    const event = flat(fixture("crm-answered-500.json"));
    const call = event.externalCall as Record<string, unknown>;
    const requestUri = `${String(call.requestUri)}?api_key=abcdefghijklmnopqrstu&session=short&page=2`;
    const requestHeaders = {
      ...(call.requestHeaders as object),
      "X-Api-Key": ["tiny"],
      "PROXY-AUTHORIZATION": ["Basic dXNlcjpwYXNzd29yZA=="],
    };
    const requestQueryParameters = { api_key: ["abcdefghijklmnopqrstu"], page: ["2"] };
    const externalCall = { ...call, requestUri, requestHeaders, requestQueryParameters };
    await post(server.url, { ...event, trackingId: "masked", externalCall });
    const stored = (await store.getFailureEvent("masked"))!.event.externalCall;
    expect(stored.requestHeaders).toMatchObject({
      Authorization: ["***9f2c"],
      Cookie: ["***1c0d"],
      "X-Api-Key": ["***"],
      "PROXY-AUTHORIZATION": ["***ZA=="],
      "x-sf-user-email": ["jane.agent@example-company.test"],
    });
    expect(stored.responseHeaders).toMatchObject({
      "Set-Cookie": ["***Only"],
      "Content-Type": ["application/json; charset=utf-8"],
    });
    expect(stored.requestQueryParameters).toEqual({ api_key: ["***rstu"], page: ["2"] });
    expect(stored.requestUri).toMatch(/\?api_key=\*\*\*rstu&session=\*\*\*&page=2$/);
  });
});

describe("where the events are received", () => {
  it("at KHOROS_EVENTS_PATH from the host's root, outside the API's base path; nowhere else", async () => {
    const store = new MemoryCrmStore();
    const events = { token, path: "/hooks/khoros" };
    const options = { publicUrl: "http://crm.test/api/v1", events };
    const server = await startCrmServer(store, undefined, undefined, options);
    try {
      const body = fixture("succeeds-now.json");
      expect((await post(server.url, body, bearer, "/hooks/khoros")).status).toBe(202);
      for (const path of ["/khoros/events", "/api/v1/hooks/khoros"]) {
        const answer = await post(server.url, body, bearer, path);
        expect(answer.status).toBe(404);
        expect(answer.json).toEqual(errorShape("not_found"));
      }
    } finally {
      await server.close();
    }
  });

  it("a store that cannot keep the event: 500 in the error shape, logged, for Khoros to send it again", async () => {
    class FullStore extends MemoryCrmStore {
      override async addFailureEvent(): Promise<boolean> {
        throw new Error("disk full");
      }
    }
    const server = await startCrmServer(new FullStore(), undefined, undefined, { events: { token } });
    try {
      const answer = await post(server.url, fixture("succeeds-now.json"));
      expect(answer.status).toBe(500);
      expect(answer.json).toEqual(errorShape("unexpected_error"));
      const logged = { message: "The failure event could not be kept.", detail: expect.stringContaining("disk full") };
      expect(server.logs).toEqual([expect.objectContaining(logged)]);
    } finally {
      await server.close();
    }
  });
});

/** The fixture as the store keeps it: flat, its secrets masked, the rest as sent. */
function expected(name: string, trackingId: string) {
  const event = flat(fixture(name));
  const call = event.externalCall as Record<string, Record<string, string[]>>;
  const mask = (values: Record<string, string[]>) =>
    Object.fromEntries(
      Object.entries(values).map(([header, list]) => [
        header,
        /^(authorization|cookie|set-cookie)$/i.test(header)
          ? list.map((value) => (value.length >= 16 ? `***${value.slice(-4)}` : "***"))
          : list,
      ]),
    );
  return {
    ...event,
    trackingId,
    externalCall: { ...call, requestHeaders: mask(call.requestHeaders!), responseHeaders: mask(call.responseHeaders!) },
  };
}
