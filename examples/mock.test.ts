// examples/mock.test.ts: a consumer's tests against the Prism contract mock, started and stopped by the kit's helper.
import { createClient } from "khoros-crm-kit/client";
import { type RunningPrism, startMock } from "khoros-crm-kit/mock";
import { afterAll, beforeAll, expect, it } from "vitest";

let mock: RunningPrism;
beforeAll(async () => {
  mock = await startMock();
});
afterAll(() => mock.stop());

it("creates a customer", async () => {
  const crm = createClient({ baseUrl: mock.url, apiKey: "test" });
  expect((await crm.createCustomer({})).status).toBe(201);
});

it("finds one", async () => {
  const crm = createClient({ baseUrl: mock.url, apiKey: "test" });
  expect((await crm.findCustomer({ path: { id: "cus_1" } })).status).toBe(200);
});
