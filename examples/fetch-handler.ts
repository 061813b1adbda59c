// examples/fetch-handler.ts: the server as a Web-standard fetch handler, called in-process.
import { createFetchHandler } from "khoros-crm-kit/server";
import { handlers } from "./handlers.js"; // your ten operations

const handle = createFetchHandler({ handlers, apiKeys: { khoros: "s3cret" } });

const response = await handle(
  new Request("https://crm.example.test/customer", {
    method: "POST",
    headers: { Authorization: "s3cret", "Content-Type": "application/json" },
    body: JSON.stringify({ customSearchableCustomerFieldOne: "@jane_doe" }),
  }),
);
// 201 { id: 'cus_…', customSearchableCustomerFieldOne: '@jane_doe', url: '…' }
console.log(response.status, await response.json());
