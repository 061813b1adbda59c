// A handler that fails (throws, rejects, answers off-contract or nothing): a 500 that leaks nothing
// internal, logged once, and the server still answering.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Handlers } from "../generated/server.js";
import { call, expectCommonHeaders } from "./support/server-call.js";
import { startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("handler failures", () => {
  const customer = { id: "c1", url: "http://crm.test/agent/customers/c1" };
  const failing: Record<string, Handlers["createCustomer"]> = {
    throws: () => {
      throw new Error("database password is hunter2");
    },
    rejects: async () => Promise.reject(new TypeError("cannot read properties of undefined")),
    "returns an undocumented status": () => ({ status: 418, body: customer }) as never,
    "returns an off-contract body": () => ({ status: 201, body: { ...customer, internalNote: "x" } }) as never,
    "returns nothing": () => undefined as never,
  };

  it.each(Object.entries(failing))(
    "a handler that %s → 500 with nothing internal, logged once with the request id",
    async (_, handler) => {
      const broken = await startTestServer({ handlers: { createCustomer: handler } });
      try {
        for (const mediaType of ["application/json", "text/plain"]) {
          const reply = await call(broken, { accept: mediaType });
          expect(reply.status).toBe(500);
          expectCommonHeaders(reply, mediaType);
          const message = "Something went wrong on our side. Please try again later.";
          expect(mediaType === "text/plain" ? reply.text : JSON.parse(reply.text)).toEqual(
            mediaType === "text/plain" ? message : { error: "unexpected_error", message },
          );
          expect(reply.text).not.toMatch(/hunter2|TypeError|at .*\.ts|internalNote/);
          expect(broken.logs.filter((entry) => entry.requestId === reply.headers.get("x-request-id"))).toHaveLength(1);
        }
        expect((await call(server)).status).toBe(201); // the shared server is unaffected, and this one still answers:
        expect((await call(broken, { apiKey: null })).status).toBe(401);
      } finally {
        await broken.close();
      }
    },
  );

  it("lets an off-contract body through when response validation is off (production default)", async () => {
    const lenient = await startTestServer({
      validateResponses: false,
      handlers: { createCustomer: () => ({ status: 201, body: { ...customer, internalNote: "x" } }) as never },
    });
    try {
      const reply = await call(lenient);
      expect(reply.status).toBe(201);
      expect(JSON.parse(reply.text)).toEqual({ ...customer, internalNote: "x" });
    } finally {
      await lenient.close();
    }
  });
});
