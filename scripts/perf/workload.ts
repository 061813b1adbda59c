// What the perf scripts (bench, soak, profile) send, read from the spec rather than typed out: the header
// that carries the API key, createCustomer's first example body, and the customer's custom fields.
import { SpecModel } from "../shared/spec-model.js";

const model = SpecModel.load();
const createCustomer = model.operation("createCustomer");
const customerFields = model.customFields().customer ?? [];

/** The header the API key goes in. */
export const keyHeader = model.apiKeyHeaders(createCustomer)[0]!;

/** Headers of a JSON request and answer, with the key. */
export const jsonHeaders = (apiKey: string) => ({
  [keyHeader]: apiKey,
  "Content-Type": "application/json",
  Accept: "application/json",
});

/** createCustomer's first example body, as JSON text. */
export const createCustomerBody = JSON.stringify(
  model.example(Object.values(createCustomer.requestBody!.content["application/json"]!.examples)[0]),
);

/** A customer field agents search on, and one they do not. */
export const searchableField = customerFields.find((field) => field.searchable)!.name;
export const nonSearchableField = customerFields.find((field) => !field.searchable)!.name;
