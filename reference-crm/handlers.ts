// The reference CRM's implementation of the spec's operations: the only code an integrator writes.
import type { CreateCustomerHandlerRequest, CreateCustomerHandlerResponse, Handlers } from "../generated/server.js";
import { customerPagePath } from "./pages.js";
import type { CustomerStore } from "./stores/store.js";

export interface CrmSettings {
  store: CustomerStore;
  /** Where Khoros and the agent's browser reach this server (its instanceUrl), e.g. `https://crm.example.com/api/v1`. */
  publicUrl: string;
}

/** Where the agent sees a customer. */
export const customerUrl = (publicUrl: string, id: string) => `${publicUrl.replace(/\/+$/, "")}${customerPagePath(id)}`;

export function createHandlers({ store, publicUrl }: CrmSettings): Handlers {
  return {
    async createCustomer({ body }: CreateCustomerHandlerRequest): Promise<CreateCustomerHandlerResponse> {
      const customer = await store.create(body);
      return { status: 201, body: { ...customer, url: customerUrl(publicUrl, customer.id) } };
    },
  };
}
