// Where the stub is reached: as Khoros calls it, at the root and under a base path, and as Express
// middleware next to the application's own routes.
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRequestListener, errorBody } from "../generated/server.js";
import { createHandlers } from "../reference-crm/handlers.js";
import { MemoryCrmStore } from "../reference-crm/stores/memory.js";
import { allFields, call } from "./support/server-call.js";
import { apiKeys, startTestServer, type TestServer } from "./support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("Khoros's own call", () => {
  // As Khoros sends it: the registered value whole in Authorization, and the three x-sf-* headers, whose
  // values the vendor promises no format for (here an agent email that is no address, an empty company id).
  const khoros = { "x-sf-user-email": "agent at example", "x-sf-initiative": "8675309", "x-sf-company-id": "" };

  it("gets 201", async () => {
    const reply = await call(server, { headers: khoros });
    expect(reply.status).toBe(201);
    expect(JSON.parse(reply.text)).toEqual({
      id: expect.stringMatching(/^cus_/),
      url: expect.any(String),
      ...allFields,
    });
  });

  it("gets 201 under a base path, with a trailing or doubled slash forgiven; outside it, the contract's 404", async () => {
    const mounted = await startTestServer({ basePath: "/api/v1" });
    try {
      for (const path of ["/api/v1/customer", "/api/v1//customer", "/api/v1/customer/"]) {
        expect((await call(mounted, { path, headers: khoros })).status, path).toBe(201);
      }
      const outside = await call(mounted, { path: "/customer", headers: khoros });
      expect(outside.status).toBe(404);
      expect(JSON.parse(outside.text)).toEqual(errorBody("notFound", { path: "/customer" }));
    } finally {
      await mounted.close();
    }
  });
});

describe("as Express middleware", () => {
  it("serves its operations under its base path and passes other paths on", async () => {
    const app = express();
    const store = new MemoryCrmStore();
    app.use(
      createRequestListener({
        handlers: createHandlers({ store, publicUrl: "http://crm.test" }),
        apiKeys,
        basePath: "/crm",
      }),
    );
    app.get("/health", (_req, res) => void res.send("ok"));
    const listening = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => listening.once("listening", resolve));
    const { port } = listening.address() as { port: number };
    const base = { url: `http://127.0.0.1:${port}`, store, logs: [], close: async () => {} };
    try {
      expect((await call(base, { path: "/crm/customer" })).status).toBe(201);
      expect(store.size).toBe(1);
      const health = await call(base, { method: "GET", path: "/health" });
      expect([health.status, health.text]).toEqual([200, "ok"]);
    } finally {
      await new Promise((resolve) => listening.close(resolve));
    }
  });
});
