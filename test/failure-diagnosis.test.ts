// The diagnosis of a failure event from the event alone (scripts/failures/diagnosis.ts): the call matched to
// an operation below any base path, judged by the runtime's own steps as the server read it (nulls dropped,
// headers typed), the rule named when the spec refuses it, and the CRM's status read against the spec.
import { describe, expect, it } from "vitest";
import { type ExternalCall, type FailureEvent, parseEvent } from "../reference-crm/events/event.js";
import { maskEvent } from "../reference-crm/events/mask.js";
import { diagnose, summary } from "../scripts/failures/diagnosis.js";
import { fixture } from "./support/events.js";
import { searchableOne } from "./support/fields.js";

/** The fixture that succeeds now, its call changed, masked as the receiver keeps it. */
function event(change: Partial<ExternalCall> & Record<string, unknown> = {}): FailureEvent {
  const parsed = parseEvent(fixture("succeeds-now.json"));
  if (parsed.kind !== "failure") throw new Error("the fixture is no failure event");
  return maskEvent({ ...parsed.event, externalCall: { ...parsed.event.externalCall, ...change } });
}

const findCases = {
  requestMethod: "GET",
  requestUri: "https://crm.test/customer/cus_1/cases",
  requestBody: undefined,
};

describe("the request, judged by the spec", () => {
  it("finds the base path as what precedes a path of the spec, or none", async () => {
    const call = { basePath: "/api/v1", path: "/customer", uriPath: "/api/v1/customer" };
    expect((await diagnose(event())).call).toMatchObject(call);
    const bare = await diagnose(event({ ...findCases, requestUri: "https://crm.test/customer/cus_1/cases?page=2" }));
    expect(bare.call).toMatchObject({ basePath: "", path: "/customer/cus_1/cases?page=2" });
    expect(bare.request).toMatchObject({ kind: "valid", route: { operationId: "findCases" } });
  });

  it("reads a null as not sent, as the server does: valid where optional, 'is required' where required", async () => {
    // The fixture sends one of its custom fields as null.
    expect((await diagnose(event())).request.kind).toBe("valid");
    const requestBody = '{"customerId":"c","title":null}';
    const untitled = await diagnose(event({ requestUri: "https://crm.test/case", requestBody }));
    const error = { error: "field_validation_error", message: "title is required." };
    expect(untitled.request).toMatchObject({ kind: "refused", status: 422, error });
    const words = /^the spec is stricter than Khoros: createCase \(POST \/case\) refuses .+ 422/;
    expect(untitled.requestWords).toMatch(words);
  });

  it("names a header of the wrong type, a media type it does not offer, a body over the limit", async () => {
    const headers = (extra: Record<string, string[]>) => ({ "Content-Type": ["application/json"], ...extra });
    const requestHeaders = headers({ "x-sf-initiative": ["forty-two"] });
    const initiative = await diagnose(event({ ...findCases, requestHeaders }));
    const notAnInteger = { message: "x-sf-initiative must be an integer." };
    expect(initiative.request).toMatchObject({ status: 400, error: notAnInteger });
    const html = await diagnose(event({ requestHeaders: headers({ Accept: ["text/html"] }) }));
    expect(html.request).toMatchObject({ status: 406, error: { error: "not_acceptable" } });
    const requestBody = JSON.stringify({ [searchableOne]: "x".repeat(1024 * 1024) });
    const big = await diagnose(event({ requestBody }));
    expect(big.request).toMatchObject({ status: 413, error: { error: "payload_too_large" } });
  });

  it("a path or a method the spec does not have: the spec lacks what Khoros calls", async () => {
    const put = await diagnose(event({ requestMethod: "PUT", requestUri: "https://crm.test/api/v1/customer/cus_1" }));
    expect(put.request).toEqual({ kind: "unrouted", status: 405, allowed: ["GET", "HEAD", "PATCH"] });
    expect(put.requestWords).toBe(
      "the spec is stricter than Khoros: it has /api/v1/customer/cus_1 but not PUT on it (only GET, HEAD, PATCH)",
    );
    const merge = await diagnose(event({ requestUri: "https://crm.test/api/v1/accounts/merge" }));
    expect(merge.requestWords).toBe(
      "the spec is stricter than Khoros: no operation of the spec is at POST /api/v1/accounts/merge",
    );
    expect(merge.specStricter).toBe(true);
  });

  it("an event listing no request header: its body read as JSON, and said so", async () => {
    const diagnosis = await diagnose(event({ requestHeaders: {} }));
    expect(diagnosis.request.kind).toBe("valid");
    expect(diagnosis.notes).toEqual(["the event lists no request headers: the body was read as JSON"]);
  });
});

describe("the CRM's status then, read against the operation", () => {
  const said = async (change: Partial<ExternalCall>) => (await diagnose(event(change))).answerWords;

  it("tells a documented refusal of meaning from a refusal of a valid request's form", async () => {
    expect(await said({ responseCode: 422 })).toBe(
      "the CRM answered 422, which createCustomer documents as field_validation_error",
    );
    expect(await said({ responseCode: 400 })).toBe(
      "the CRM answered 400, which createCustomer documents as invalid_payload or invalid_field, " +
        "refusing a request the spec accepts: the CRM is stricter than the spec",
    );
  });

  it("a 401 names the masked key Khoros sent; no response code is no answer", async () => {
    expect(await said({ responseCode: 401 })).toBe(
      "the CRM refused the key Khoros sent (401, key ***9f2c): " +
        "the authHeaderValue registered in Khoros is not one the CRM accepts",
    );
    expect(await said({ responseCode: undefined })).toBe("Khoros got no answer from the CRM (no response code)");
  });

  it("says it all in one line", async () => {
    expect(summary(await diagnose(event({ ...findCases, responseCode: 502 })))).toBe(
      "Khoros's request is valid by the spec; the CRM answered 502, which findCases does not document",
    );
  });
});
