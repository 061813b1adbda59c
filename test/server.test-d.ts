// Compile-time behaviour of the generated handler contract (checked by tsc in `npm run lint:ts`).
import { describe, expectTypeOf, it } from "vitest";
import type { CreateCustomerHandlerResponse, Handlers as AllHandlers } from "../generated/server.js";
import type { components } from "../generated/types.js";
import type { WithoutNulls } from "../src/operation-types.js";

type Customer = components["schemas"]["Customer"];
/** One handler at a time: each test writes createCustomer only. */
type Handlers = Pick<AllHandlers, "createCustomer">;
const customer: Customer = { id: "c1", url: "https://crm.test/agent/customers/c1" };

describe("createCustomer handler types", () => {
  it("receives the typed body, headers and request context", () => {
    const handlers: Handlers = {
      createCustomer: ({ body, headers, context }) => {
        expectTypeOf(body).toEqualTypeOf<WithoutNulls<components["schemas"]["CreateCustomerRequest"]>>();
        // The spec lets Khoros send null (read as not sent); the runtime drops it, so handlers never see one.
        expectTypeOf<
          components["schemas"]["CreateCustomerRequest"]["customSearchableCustomerFieldOne"]
        >().toEqualTypeOf<string | null | undefined>();
        expectTypeOf(body.customSearchableCustomerFieldOne).toEqualTypeOf<string | undefined>();
        expectTypeOf(headers["x-sf-user-email"]).toEqualTypeOf<string | undefined>();
        expectTypeOf(context).toEqualTypeOf<{ requestId: string; apiKeyId?: string }>();
        return { status: 201, body: customer };
      },
    };
    void handlers;
  });

  it("may return any documented status with its body, sync or async", () => {
    const handlers: Handlers = {
      createCustomer: async () => ({
        status: 422,
        body: { error: "field_validation_error", message: "m", fields: [{ name: "x", errorMessage: "y" }] },
      }),
    };
    void handlers;
  });

  it("rejects an error code the response does not list in its enum", () => {
    const handlers: Handlers = {
      // @ts-expect-error 422's codes are field_validation_error only
      createCustomer: () => ({
        status: 422,
        body: { error: "bad", message: "m", fields: [{ name: "x", errorMessage: "y" }] },
      }),
    };
    void handlers;
  });

  it("rejects an undocumented status", () => {
    const handlers: Handlers = {
      // @ts-expect-error 404 is not a documented response of createCustomer
      createCustomer: () => ({ status: 404, body: { error: "not_found", message: "m" } }),
    };
    void handlers;
  });

  it("rejects a body that is not the status's schema", () => {
    const missingUrl: Handlers = {
      // @ts-expect-error a Customer needs a url
      createCustomer: () => ({ status: 201, body: { id: "c1" } }),
    };
    // TypeScript checks extra properties only against a declared return type, so handlers declare it
    // (an undeclared one is caught at run time by response validation, see test/server.test.ts).
    const extraProperty: Handlers = {
      async createCustomer(): Promise<CreateCustomerHandlerResponse> {
        // @ts-expect-error a Customer has no property `secret`
        return { status: 201, body: { ...customer, secret: "x" } };
      },
    };
    const fieldsAsObject: Handlers = {
      // @ts-expect-error on 422, fields is an array
      createCustomer: () => ({
        status: 422,
        body: { error: "field_validation_error", message: "m", fields: { name: "x", errorMessage: "y" } },
      }),
    };
    void [missingUrl, extraProperty, fieldsAsObject];
  });
});

describe("the other operations' handler types", () => {
  it("get the path parameters typed, and integer headers as number or bigint", () => {
    const findCustomer: AllHandlers["findCustomer"] = ({ path, headers }) => {
      expectTypeOf(path).toEqualTypeOf<{ id: string }>();
      expectTypeOf(headers["x-sf-initiative"]).toEqualTypeOf<number | bigint | undefined>();
      return { status: 404, body: { error: "customer_not_found", message: "m" } };
    };
    void findCustomer;
  });

  it("answer a 204 without a body, and refuse a body on it", () => {
    const searchCustomers: AllHandlers["searchCustomers"] = () => ({ status: 204 });
    // @ts-expect-error a 204 has no body
    const withBody: AllHandlers["searchCustomers"] = () => ({ status: 204, body: [] });
    void [searchCustomers, withBody];
  });

  it("get no body where the operation takes none", () => {
    const lookupCase: AllHandlers["lookupCase"] = (request) => {
      // @ts-expect-error lookupCase takes no body
      void request.body;
      return { status: 404, body: { error: "case_not_found", message: "m" } };
    };
    void lookupCase;
  });
});
