// Where the reference CRM keeps customers. An integrator plugs in their own CRM by implementing
// CustomerStore; the handler (handlers.ts) only talks to this interface.
import { randomUUID } from "node:crypto";
import type { components } from "../../generated/types.js";

export type CustomerFields = components["schemas"]["CustomerFields"];
export type StoredCustomer = CustomerFields & { id: string };

export interface CustomerStore {
  /** Stores the fields exactly as given and returns them with the new customer's id. */
  create(fields: CustomerFields): Promise<StoredCustomer>;
  get(id: string): Promise<StoredCustomer | undefined>;
  close(): Promise<void>;
}

/** A new customer id: random and not guessable (a v4 UUID, 122 random bits), never a counter. */
export const newCustomerId = () => `cus_${randomUUID()}`;

/** Keeps customers in memory: for tests, and `STORE=memory`. */
export class MemoryCustomerStore implements CustomerStore {
  readonly #customers = new Map<string, StoredCustomer>();

  async create(fields: CustomerFields): Promise<StoredCustomer> {
    const customer = Object.freeze({ id: newCustomerId(), ...fields });
    this.#customers.set(customer.id, customer);
    return customer;
  }

  async get(id: string): Promise<StoredCustomer | undefined> {
    return this.#customers.get(id);
  }

  get size(): number {
    return this.#customers.size;
  }

  async close(): Promise<void> {}
}
