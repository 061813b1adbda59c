// The reference CRM's implementation of the spec's operations: the only code an integrator writes.
import type { CreateCustomerHandlerRequest, CreateCustomerHandlerResponse, Handlers } from "../../generated/server.js";
import type { CustomerStore } from "./store.js";

export interface CrmSettings {
  store: CustomerStore;
  /** The origin the agent's browser reaches this server at, e.g. `https://crm.example.com`. */
  publicUrl: string;
}

/** Where the agent sees a customer. */
export const customerUrl = (publicUrl: string, id: string) => `${publicUrl}/customers/${encodeURIComponent(id)}`;

export function createHandlers({ store, publicUrl }: CrmSettings): Handlers {
  return {
    async createCustomer({ body }: CreateCustomerHandlerRequest): Promise<CreateCustomerHandlerResponse> {
      const customer = await store.create(body);
      return { status: 201, body: { ...customer, url: customerUrl(publicUrl, customer.id) } };
    },
  };
}
