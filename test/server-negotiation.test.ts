// Content negotiation: which media type an Accept header gets, and the 406 when it allows neither.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorBody } from "../generated/server.js";
import { call, expectCommonHeaders, expectInSpec } from "./support/server-call.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("content negotiation", () => {
  const cases: [string | null, string][] = [
    [null, "application/json"],
    ["*/*", "application/json"],
    ["text/*", "text/plain"],
    ["application/json;q=0.5, text/plain;q=0.9", "text/plain"],
    ["text/plain;q=0, */*;q=0.1", "application/json"],
    ["image/png, text/plain;q=0.2", "text/plain"],
  ];
  it.each(cases)("Accept %s → %s", async (accept, mediaType) => {
    const reply = await call(server, { accept });
    expect(reply.status).toBe(201);
    expect(reply.headers.get("content-type")).toBe(`${mediaType}; charset=utf-8`);
  });

  it("answers 406 in JSON when Accept allows neither media type", async () => {
    const reply = await call(server, { accept: "image/png, application/xml" });
    expect(reply.status).toBe(406);
    expectCommonHeaders(reply, "application/json");
    const body = JSON.parse(reply.text);
    expect(body).toEqual(errorBody("notAcceptable", { mediaTypes: "application/json or text/plain" }));
    expectInSpec(reply, body);
  });
});
