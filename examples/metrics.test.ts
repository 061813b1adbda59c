// examples/metrics.test.ts: your own server on the stub, its requests counted for Prometheus by operation.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createClient } from "khoros-crm-kit/client";
import { createMetrics } from "khoros-crm-kit/metrics";
import { createHttpServer, createRequestListener } from "khoros-crm-kit/server";
import { expect, it } from "vitest";
import { handlers } from "./handlers.js";

it("counts each operation by status, under its route's template", async () => {
  const metrics = createMetrics(); // a registry of its own, with the process's default metrics
  // Told of every response (with a log of yours too: requestLog: (r) => { log(r); metrics.record(r); }).
  const listener = createRequestListener({ handlers, apiKeys: { khoros: "secret" }, requestLog: metrics.record });
  const server = createHttpServer().on("request", metrics.countInFlight(listener)).listen(0, "127.0.0.1");
  await once(server, "listening");
  const crm = createClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: "secret" });
  const created = await crm.createCustomer({ customSearchableCustomerFieldOne: "@jane_doe" });
  await crm.findCustomer({ path: { id: created.status === 201 ? created.data.id : "" } });
  server.close();
  // Serve this on a port of its own, for Prometheus: Content-Type metrics.registry.contentType.
  const scrape = await metrics.registry.metrics();
  expect(scrape).toContain('requests_total{operation="createCustomer",route="/customer",method="POST",status="201"} 1');
  expect(scrape).toContain('requests_total{operation="findCustomer",route="/customer/{id}",method="GET",status="200"}');
});
