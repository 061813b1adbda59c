// The store that keeps everything in memory: for tests, the sandbox, and `STORE=memory`.
import type { FailureEvent, StoredFailureEvent } from "../events/event.js";
import { newId } from "../ids.js";
import type { CaseChanges, CrmStore, CustomerFields, NewCase, StoredCase, StoredCustomer } from "./store.js";
import {
  caseFieldNames,
  caseNumber,
  customerFieldNames,
  matchKey,
  now,
  pick,
  searchableCustomerFields,
} from "./store.js";

/** Keeps everything in memory: for tests, and `STORE=memory`. */
export class MemoryCrmStore implements CrmStore {
  readonly #customers = new Map<string, StoredCustomer>();
  readonly #cases = new Map<string, StoredCase>();
  readonly #failureEvents = new Map<string, StoredFailureEvent>();
  #caseSequence = 0;

  // Customers are kept frozen, so they are handed out as they are: no caller can change what is stored.
  async createCustomer(fields: CustomerFields): Promise<StoredCustomer> {
    const customer = Object.freeze({ id: newId("cus"), ...pick(fields, customerFieldNames) });
    this.#customers.set(customer.id, customer);
    return customer;
  }

  async getCustomer(id: string): Promise<StoredCustomer | undefined> {
    return this.#customers.get(id);
  }

  async updateCustomer(id: string, changes: CustomerFields): Promise<StoredCustomer | undefined> {
    const customer = this.#customers.get(id);
    if (!customer) return undefined;
    const updated = Object.freeze({ ...customer, ...pick(changes, customerFieldNames) });
    this.#customers.set(id, updated);
    return updated;
  }

  async searchCustomers(criteria: Readonly<Record<string, string>>, limit: number): Promise<StoredCustomer[]> {
    const wanted = Object.entries(criteria).map(([name, value]) => [name, matchKey(value)] as const);
    const found = this.#newestFirst().filter((c) =>
      wanted.every(([name, key]) => {
        const value = (c as Record<string, string | undefined>)[name];
        return value !== undefined && matchKey(value) === key;
      }),
    );
    return found.slice(0, limit);
  }

  async bestMatchCustomers(facts: readonly string[], limit: number): Promise<StoredCustomer[]> {
    const scored = this.#newestFirst().map((customer) => {
      const keys = new Set(
        searchableCustomerFields.flatMap((name) => {
          const value = (customer as Record<string, string | undefined>)[name];
          return value === undefined ? [] : [matchKey(value)];
        }),
      );
      return { customer, score: facts.filter((fact) => keys.has(fact)).length };
    });
    // A stable sort keeps the newest first among equal scores.
    return scored
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score)
      .slice(0, limit)
      .map((s) => s.customer);
  }

  async createCase(input: NewCase): Promise<StoredCase | undefined> {
    if (!this.#customers.has(input.customerId)) return undefined;
    const created = now();
    const stored: StoredCase = {
      id: newId("case"),
      number: caseNumber(++this.#caseSequence),
      customerId: input.customerId,
      title: input.title,
      description: input.description ?? "",
      status: "open",
      created,
      lastUpdated: created,
      interactions: [...(input.interactions ?? [])],
      ...pick(input, caseFieldNames),
    };
    this.#cases.set(stored.id, stored);
    return structuredClone(stored);
  }

  async getCase(id: string): Promise<StoredCase | undefined> {
    const stored = this.#cases.get(id);
    return stored && structuredClone(stored);
  }

  async updateCase(id: string, changes: CaseChanges): Promise<StoredCase | undefined> {
    const stored = this.#cases.get(id);
    if (!stored) return undefined;
    const { interactions, title, description, status } = changes;
    Object.assign(
      stored,
      pick({ title, description, status }, ["title", "description", "status"]),
      pick(changes, caseFieldNames),
    );
    stored.interactions.push(...(interactions ?? []));
    stored.lastUpdated = now();
    return structuredClone(stored);
  }

  async listCases(customerId: string): Promise<StoredCase[] | undefined> {
    if (!this.#customers.has(customerId)) return undefined;
    return [...this.#cases.values()]
      .filter((c) => c.customerId === customerId)
      .reverse()
      .map((c) => structuredClone(c));
  }

  async addFailureEvent(event: FailureEvent, receivedAt = now()): Promise<boolean> {
    if (this.#failureEvents.has(event.trackingId)) return false;
    this.#failureEvents.set(event.trackingId, { receivedAt, event: structuredClone(event) });
    return true;
  }

  async getFailureEvent(trackingId: string): Promise<StoredFailureEvent | undefined> {
    const stored = this.#failureEvents.get(trackingId);
    return stored && structuredClone(stored);
  }

  async listFailureEvents(limit: number): Promise<StoredFailureEvent[]> {
    return [...this.#failureEvents.values()]
      .reverse()
      .slice(0, limit)
      .map((stored) => structuredClone(stored));
  }

  /** How many customers are stored. */
  get size(): number {
    return this.#customers.size;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  #newestFirst(): StoredCustomer[] {
    return [...this.#customers.values()].reverse(); // Maps keep insertion order, and ids grow with it
  }
}
