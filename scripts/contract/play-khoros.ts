// `npm run play-khoros`: plays Khoros Marketing against a CRM with the generated client, the agent's whole
// journey (the one spec/workflows/agent-journey.arazzo.yaml describes): bestmatch, create, search, find,
// update, createCase, findCases, lookupCase, updateCase, and the meta operation for both objects. Each step
// must get its documented success status and a body the spec's validators accept; against a stateful CRM
// (the reference CRM) each must also find what the steps before it made.
//   CRM_URL  the CRM's instanceUrl (default http://127.0.0.1:3000)
//   API_KEY  the key it accepts (default: the one `npm start` keeps in DATA_DIR/api-key, DATA_DIR default ./data)
//   --mock   play against a Prism mock of the spec started for the run (documented answers, no state)
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { type Client, createClient } from "../../generated/client.js";
import { type Handlers, routes } from "../../generated/server.js";
import { crmUrl, keyToPlayWith } from "./khoros-side.js";
import { startMock } from "./mock.js";

export interface Step {
  operationId: keyof Handlers;
  status: number;
  /** What is wrong with the answer; empty when the step passed. */
  problems: string[];
}

interface Answer {
  status: number;
  data: unknown;
}

/** Plays the journey; `stateful` adds the checks that only a CRM keeping what it is sent can pass. */
export async function playKhoros(crm: Client, stateful: boolean): Promise<Step[]> {
  const steps: Step[] = [];
  const screenName = `@khoros_${randomBytes(4).toString("hex")}`;
  const agent = { headers: { "x-sf-user-email": "jane.agent@example-company.test" } };

  /** Records a step: a documented success status, a body the spec's validator accepts, and the state checks. */
  function record<A extends Answer>(operationId: keyof Handlers, answer: A, expected: number, ...checks: [boolean, string][]): A {
    const documented = routes[operationId].responses[answer.status];
    const problems = [
      ...(answer.status === expected ? [] : [`answered ${answer.status}, not ${expected}`]),
      ...(documented?.validate && !documented.validate(answer.data) ? [`a body off the spec: ${JSON.stringify(documented.validate.errors)}`] : []),
      ...(stateful ? checks.filter(([ok]) => !ok).map(([, what]) => what) : []),
    ];
    steps.push({ operationId, status: answer.status, problems });
    return answer;
  }
  const field = (data: unknown, name: string) => (data as Record<string, unknown> | undefined)?.[name];
  const first = (data: unknown) => (Array.isArray(data) ? (data[0] as unknown) : undefined);

  const matched = await crm.bestmatchCustomers({ screenName, displayName: "Jane Doe" }, agent);
  record("bestmatchCustomers", matched, 200, [Array.isArray(matched.data) && matched.data.length === 0, "a new screen name matched somebody"]);

  const created = record("createCustomer", await crm.createCustomer({ customSearchableCustomerFieldOne: screenName }, agent), 201);
  const customerId = String(field(created.data, "id"));

  const found = await crm.searchCustomers({ customSearchableCustomerFieldOne: screenName.toUpperCase() }, agent);
  record("searchCustomers", found, 200, [field(first(found.data), "id") === customerId, "search did not find the new customer"]);

  const opened = await crm.findCustomer({ ...agent, path: { id: customerId } });
  record("findCustomer", opened, 200, [field(opened.data, "customSearchableCustomerFieldOne") === screenName, "the customer lost its field"]);

  const updated = await crm.updateCustomer({ customNonSearchableCustomerFieldOne: "VIP" }, { ...agent, path: { id: customerId } });
  record("updateCustomer", updated, 201, [
    field(updated.data, "customNonSearchableCustomerFieldOne") === "VIP" && field(updated.data, "customSearchableCustomerFieldOne") === screenName,
    "the update did not change only the field given",
  ]);

  const note = (body: string, serviceId: string) => ({ created: new Date().toISOString(), body, linkUrl: `https://social.example/${serviceId}`, serviceId, service: "facebook", contentType: "post" });
  const filed = await crm.createCase({ customerId, title: "Broken order", interactions: [note("It arrived broken", "1"), note("Sorry, a case is open", "2")] }, agent);
  record("createCase", filed, 201, [field(filed.data, "status") === "open", "a new case is not open"]);
  const caseId = String(field(filed.data, "id"));

  const cases = await crm.findCases({ ...agent, path: { id: customerId } });
  record("findCases", cases, 200, [field(first(cases.data), "id") === caseId, "the customer's cases do not list the new case"]);

  const looked = await crm.lookupCase({ ...agent, path: { id: caseId } });
  const serviceIds = (field(looked.data, "interactions") as { serviceId: string }[] | undefined)?.map((i) => i.serviceId);
  record("lookupCase", looked, 200, [JSON.stringify(serviceIds) === '["1","2"]', "the interactions are not the two filed, in order"]);

  const closed = await crm.updateCase({ status: "closed" }, { ...agent, path: { id: caseId } });
  record("updateCase", closed, 201, [field(closed.data, "status") === "closed", "the case did not close"]);

  for (const type of ["customer", "case"]) {
    const structure = await crm.defineObjectStructures({ ...agent, path: { type } });
    record("defineObjectStructures", structure, 200, [field(structure.data, "name") === type, `the structure is not the ${type}'s`]);
  }
  return steps;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const mock = process.argv.includes("--mock") ? await startMock() : undefined;
  const baseUrl = mock?.url ?? crmUrl();
  const apiKey = mock ? "any-key" : keyToPlayWith();
  try {
    const steps = await playKhoros(createClient({ baseUrl, apiKey }), !mock).catch((error: Error) => {
      console.error(`Cannot reach the CRM at ${baseUrl} (${error.message}): is it running (npm start)?`);
      process.exit(2);
    });
    for (const step of steps) console.log(`${step.problems.length === 0 ? "✓" : "✗"} ${step.operationId} ${step.status}${step.problems.map((p) => ` · ${p}`).join("")}`);
    const failed = steps.filter((step) => step.problems.length > 0).length;
    console.log(failed === 0 ? `the whole journey passed against ${baseUrl}` : `${failed} of ${steps.length} steps failed against ${baseUrl}`);
    process.exitCode = failed === 0 ? 0 : 1;
  } finally {
    await mock?.stop();
  }
}
