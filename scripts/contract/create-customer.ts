// `npm run create-customer -- '<json>'`: creates a customer with the generated client, as Khoros would.
//   CRM_URL  the server (default http://127.0.0.1:3000)
//   API_KEY  the key it accepts (default: the one `npm start` keeps in DATA_DIR/api-key, DATA_DIR default ./data)
import { createClient } from "../../generated/client.js";
import { crmUrl, keyToPlayWith, oneLine } from "./khoros-side.js";

const fields = oneLine(() => JSON.parse(process.argv[2] ?? "{}") as Record<string, string>, (error) =>
  `The customer must be a JSON object, such as '{"customSearchableCustomerFieldOne": "@jane_doe"}' (${error.message}).`,
);
const crm = createClient({ baseUrl: crmUrl(), apiKey: keyToPlayWith() });
const result = await crm.createCustomer(fields).catch(() => {
  console.error(`Cannot reach the CRM at ${crmUrl()}: is it running (npm start)?`);
  process.exit(2);
});
if (result.status === 201) {
  console.log(`created ${result.data.id}: open ${result.data.url}`);
} else {
  console.error(`${result.status}: ${JSON.stringify(result.data)}`);
  process.exitCode = 1;
}
