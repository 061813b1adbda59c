// Compile-time behaviour of the generated client (checked by tsc in `npm run lint:ts`).
import { describe, expectTypeOf, it } from "vitest";
import { createClient } from "../generated/client.js";
import type { components } from "../generated/types.js";

const client = createClient({ baseUrl: "http://127.0.0.1:4010", apiKey: "k" });

describe("createCustomer types", () => {
  it("rejects a body property the spec does not have", () => {
    // @ts-expect-error favouriteColour is not a property of CreateCustomerRequest
    void client.createCustomer({ favouriteColour: "teal" });
    // @ts-expect-error custom fields are strings
    void client.createCustomer({ customSearchableCustomerFieldOne: 42 });
  });

  it("rejects a header value that is not a string, and an unknown header", () => {
    // @ts-expect-error header values are strings
    void client.createCustomer({}, { headers: { "x-sf-company-id": 7 } });
    // @ts-expect-error only the spec's three headers are accepted
    void client.createCustomer({}, { headers: { "X-Other": "x" } });
  });

  it("requires an API key and a base URL", () => {
    // @ts-expect-error apiKey is required
    createClient({ baseUrl: "http://127.0.0.1:4010" });
    // @ts-expect-error baseUrl is required
    createClient({ apiKey: "k" });
  });

  it("accepts only the media types the spec answers with", () => {
    // @ts-expect-error the spec answers application/json or text/plain only
    void client.createCustomer({}, { accept: "image/png" });
  });

  it("narrows the result by status", async () => {
    const result = await client.createCustomer({ customSearchableCustomerFieldOne: "a" });
    // @ts-expect-error url exists on the 201 body only
    void result.data.url;
    if (result.status === 201) {
      expectTypeOf(result.data).toEqualTypeOf<components["schemas"]["Customer"]>();
      expectTypeOf(result.data.url).toEqualTypeOf<string>();
    }
    if (result.status === 422) expectTypeOf(result.data.fields).toEqualTypeOf<components["schemas"]["FieldError"][]>();
    if (result.status === 400)
      expectTypeOf(result.data.fields).toEqualTypeOf<components["schemas"]["FieldError"] | undefined>();
    expectTypeOf(result.status).toEqualTypeOf<201 | 400 | 401 | 406 | 413 | 422 | 500>();
  });

  it("types every body as a string when text/plain is asked for", async () => {
    const result = await client.createCustomer({}, { accept: "text/plain" });
    expectTypeOf(result.data).toEqualTypeOf<string>();
  });
});

describe("the other operations' types", () => {
  it("requires the path parameters of an operation that has them", () => {
    // @ts-expect-error findCustomer needs its id
    void client.findCustomer();
    // @ts-expect-error the id is a string
    void client.findCustomer({ path: { id: 7 } });
    void client.findCustomer({ path: { id: "cus_1" } });
  });

  it("types integer headers as number or bigint, and text headers as strings", () => {
    void client.lookupCase({
      path: { id: "c" },
      headers: { "x-sf-initiative": 9223372036854775807n, "x-sf-company-id": 7 },
    });
    // @ts-expect-error x-sf-initiative is an integer on lookupCase
    void client.lookupCase({ path: { id: "c" }, headers: { "x-sf-initiative": "7" } });
    // @ts-expect-error x-sf-initiative is a string on createCustomer
    void client.createCustomer({}, { headers: { "x-sf-initiative": 7 } });
  });

  it("discriminates a 204 (no data) and a list", async () => {
    const result = await client.searchCustomers({ customSearchableCustomerFieldOne: "a" });
    expectTypeOf(result.status).toEqualTypeOf<200 | 204 | 400 | 401 | 406 | 413 | 500>();
    if (result.status === 204) expectTypeOf(result.data).toEqualTypeOf<undefined>();
    if (result.status === 200) expectTypeOf(result.data).toEqualTypeOf<components["schemas"]["CustomerList"]>();
  });

  it("takes accountNumbers as a string or a list of strings on bestmatch", () => {
    void client.bestmatchCustomers({ accountNumbers: "A-1" });
    void client.bestmatchCustomers({ accountNumbers: ["A-1", "A-2"] });
    // @ts-expect-error not a number
    void client.bestmatchCustomers({ accountNumbers: 1 });
  });

  it("types a case's status", async () => {
    // @ts-expect-error a case is open or closed
    void client.updateCase({ status: "pending" }, { path: { id: "c" } });
    const result = await client.lookupCase({ path: { id: "c" } });
    if (result.status === 200) expectTypeOf(result.data.status).toEqualTypeOf<"open" | "closed">();
  });
});
