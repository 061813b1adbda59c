// `npm run create-customer -- '<json>'`: creates a customer with the generated client, as Khoros would.
//   CRM_URL  the server (default http://127.0.0.1:3000)
//   API_KEY  the key it accepts (default: the one `npm start` keeps in DATA_DIR/api-key, DATA_DIR default ./data)
import { createClient } from "../../generated/client.js";
import { objectStructures } from "../../generated/server.js";
import { crmUrl, keyToPlayWith, oneLine } from "./khoros-side.js";

/** A body to show as an example: a field agents search on, as the spec names it. */
const exampleBody = () => {
  const field = objectStructures.customer.fields.find((f) => f.searchable);
  return JSON.stringify(field ? { [field.name]: "@jane_doe" } : {});
};
const fields = oneLine(
  () => JSON.parse(process.argv[2] ?? "{}") as Record<string, string>,
  (error) => `The customer must be a JSON object, such as '${exampleBody()}' (${error.message}).`,
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
