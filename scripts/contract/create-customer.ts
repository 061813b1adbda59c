// `npm run create-customer -- '<json>'`: creates a customer with the generated client, as Khoros would.
//   CRM_URL  the server (default http://127.0.0.1:3000)     API_KEY  the key it accepts (required)
import { createClient } from "../../generated/client.js";

const apiKey = process.env.API_KEY;
if (!apiKey) {
  console.error("Set API_KEY to a key the server accepts (npm start prints one).");
  process.exit(2);
}
const crm = createClient({ baseUrl: process.env.CRM_URL ?? "http://127.0.0.1:3000", apiKey });
const result = await crm.createCustomer(JSON.parse(process.argv[2] ?? "{}"));
if (result.status === 201) {
  console.log(`created ${result.data.id}: open ${result.data.url}`);
} else {
  console.error(`${result.status}: ${JSON.stringify(result.data)}`);
  process.exitCode = 1;
}
