// API keys: every configured key accepted (rotation), the handler told which, and no start without one.
import { describe, expect, it } from "vitest";
import { createRequestListener } from "../generated/server.js";
import { createHandlers } from "../reference-crm/handlers.js";
import { MemoryCrmStore } from "../reference-crm/stores/memory.js";
import { call } from "./support/server-call.js";
import { apiKeys, startTestServer } from "./support/server.js";

describe("API keys", () => {
  it("accepts every configured key (rotation) and tells the handler which one was used", async () => {
    const seen: string[] = [];
    const rotating = await startTestServer({
      handlers: {
        createCustomer: ({ context }) => {
          seen.push(context.apiKeyId!);
          return { status: 201, body: { id: "c1", url: "http://crm.test/agent/customers/c1" } };
        },
      },
    });
    try {
      expect((await call(rotating, { apiKey: apiKeys.primary })).status).toBe(201);
      expect((await call(rotating, { apiKey: apiKeys.rotated })).status).toBe(201);
      expect(seen).toEqual(["primary", "rotated"]);
    } finally {
      await rotating.close();
    }
  });

  it("refuses to start without a key, or with an empty one", () => {
    const handlers = createHandlers({ store: new MemoryCrmStore(), publicUrl: "http://crm.test" });
    expect(() => createRequestListener({ handlers, apiKeys: {} })).toThrow("At least one API key");
    expect(() => createRequestListener({ handlers, apiKeys: { blank: "" } })).toThrow("API key blank is empty");
  });
});
