// Where the reference CRM keeps customers. An integrator plugs in their own CRM by implementing
// CustomerStore; the handler (handlers.ts) only talks to this interface.
import { randomUUID } from "node:crypto";
import type { components } from "../../generated/types.js";

export type CustomerFields = components["schemas"]["CustomerFields"];
export type StoredCustomer = CustomerFields & { id: string };

/** The custom fields the reference CRM stores and shows. */
export const customerFields = [
  "customNonSearchableCustomerFieldOne",
  "customNonSearchableCustomerFieldTwo",
  "customSearchableCustomerFieldOne",
  "customSearchableCustomerFieldTwo",
] as const;

// Fails to compile when the spec gains a field this list lacks (and the SQLite table: add a migration).
type Unlisted = Exclude<keyof CustomerFields, (typeof customerFields)[number]>;
const everyFieldListed: [Unlisted] extends [never] ? true : { missing: Unlisted } = true;
void everyFieldListed;

export interface CustomerStore {
  /** Stores the fields exactly as given and returns them with the new customer's id. */
  create(fields: CustomerFields): Promise<StoredCustomer>;
  get(id: string): Promise<StoredCustomer | undefined>;
  close(): Promise<void>;
}

/**
 * A new customer id: `cus_` and 32 hex digits, the creation time in milliseconds (12) then 80 random bits
 * (20), like a UUIDv7. Not guessable (the random part), never a counter; and ids made one after another
 * sort together, so a database appends them instead of rewriting pages all over its index.
 */
export function newCustomerId(): string {
  const random = randomUUID(); // 122 random bits, from Node's buffered pool: cheap
  return `cus_${Date.now().toString(16).padStart(12, "0")}${random.slice(0, 8)}${random.slice(24)}`;
}

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
