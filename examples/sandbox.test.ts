// examples/sandbox.test.ts: a test playing Khoros against the sandbox, a stateful CRM with no process, port or Prism.
import { createClient } from "khoros-crm-kit/client";
import { createSandbox } from "khoros-crm-kit/sandbox";
import { expect, it } from "vitest";

it("finds the customer it created, whatever the case of the search", async () => {
  const sandbox = createSandbox();
  const crm = createClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, fetch: sandbox.fetch });
  const created = await crm.createCustomer({ customSearchableCustomerFieldOne: "@jane_doe" });
  const found = await crm.searchCustomers({ customSearchableCustomerFieldOne: "@JANE_DOE" });
  if (created.status !== 201 || found.status !== 200) throw new Error(`got ${created.status} and ${found.status}`);
  expect(found.data.map((customer) => customer.id)).toEqual([created.data.id]);
});
