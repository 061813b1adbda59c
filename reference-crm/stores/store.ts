// Where the reference CRM keeps customers and cases. An integrator plugs in their own CRM by implementing
// CrmStore; the handlers (../handlers.ts) only talk to this interface. The custom fields come from the
// spec (generated `objectStructures`), so a field added there is stored, searched and shown with no edit here.
import { objectStructures } from "../../generated/server.js";
import type { components } from "../../generated/types.js";
import type { WithoutNulls } from "../../src/operation-types.js";
import { newId } from "../ids.js";

type Schemas = components["schemas"];
export type CustomerFields = Schemas["CustomerFields"];
export type StoredCustomer = CustomerFields & { id: string };
export type CaseFields = Schemas["CaseFields"];
/** An interaction as Khoros sent it (its `null`s dropped): kept whole, properties the spec does not list included. */
export type SentInteraction = WithoutNulls<Schemas["InteractionInput"]> & { [property: string]: unknown };
export type CaseStatus = Schemas["CaseStatus"];

/** A case as stored: everything the API's Case has but its url, and its interactions as Khoros sent them. */
export type StoredCase = Omit<Schemas["Case"], "url" | "interactions"> & { interactions: SentInteraction[] };
export type NewCase = CaseFields & { customerId: string; title: string; description?: string; interactions?: SentInteraction[] };
/** What updateCase may change (a case keeps its customer); `interactions` are added after the case's own. */
export type CaseChanges = CaseFields & { title?: string; description?: string; status?: CaseStatus; interactions?: SentInteraction[] };

/** The custom fields, as the spec declares them. */
export const customerFieldNames: readonly string[] = objectStructures.customer.fields.map((field) => field.name);
export const searchableCustomerFields: readonly string[] = objectStructures.customer.fields.filter((f) => f.searchable).map((f) => f.name);
export const caseFieldNames: readonly string[] = objectStructures.case.fields.map((field) => field.name);

/** Search and best match compare whole values, ignoring case: both sides as this key. */
export const matchKey = (value: string) => value.toLowerCase();

/** At most this many distinct facts of a profile take part in a best match (a bound on the work one request makes). */
export const bestMatchFactLimit = 100;

export interface CrmStore {
  /** Stores the fields exactly as given (absent stays absent, empty stays empty) and returns them with the new id. */
  createCustomer(fields: CustomerFields): Promise<StoredCustomer>;
  getCustomer(id: string): Promise<StoredCustomer | undefined>;
  /** Changes only the fields given; undefined when there is no such customer. */
  updateCustomer(id: string, changes: CustomerFields): Promise<StoredCustomer | undefined>;
  /** The customers each of whose given searchable fields equals its criterion (by `matchKey`), newest first. */
  searchCustomers(criteria: Readonly<Record<string, string>>, limit: number): Promise<StoredCustomer[]>;
  /**
   * The best-match rule: each customer scores how many of the `facts` (distinct `matchKey`s) equal one of
   * its searchable fields; those scoring above zero, best first, the newest first among equals.
   */
  bestMatchCustomers(facts: readonly string[], limit: number): Promise<StoredCustomer[]>;
  /** Creates an open case; undefined when the customer does not exist. */
  createCase(input: NewCase): Promise<StoredCase | undefined>;
  getCase(id: string): Promise<StoredCase | undefined>;
  /** Changes only what is given and adds the interactions; undefined when there is no such case. */
  updateCase(id: string, changes: CaseChanges): Promise<StoredCase | undefined>;
  /** The customer's cases, newest first; undefined when there is no such customer. */
  listCases(customerId: string): Promise<StoredCase[] | undefined>;
  /** Resolves once the store has answered a trivial query; rejects when it cannot (readiness: GET /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** `new Date()` as the API writes date-times. */
export const now = () => new Date().toISOString();

/** The case number agents see: the case's sequence number, eight digits. */
export const caseNumber = (sequence: number) => String(sequence).padStart(8, "0");

/**
 * Only the given fields of `input` that hold a value (neither absent nor `null`, which reads as not sent),
 * as text: a checkbox field's `true` is kept as "true".
 */
export function pick<T extends object>(input: T, names: readonly string[]): Partial<Record<string, string>> {
  const picked: Partial<Record<string, string>> = {};
  for (const name of names) {
    const value = (input as Record<string, unknown>)[name];
    if (value !== undefined && value !== null) picked[name] = String(value);
  }
  return picked;
}

// What the SQL stores (sqlite.ts, postgres.ts) share: their columns, and records to and from rows.

/** A column name as SQL reads it, whatever the spec calls the field. */
export const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
/** The column holding a searchable field's matchKey. */
export const keyColumn = (field: string) => `${field}__key`;

/** A row as a SQL store reads it: a column per field, NULL when absent; a case's interactions as JSON text. */
export type Row = Record<string, string | number | null>;

/** A customer's columns besides its id: the fields, then the searchable fields' keys. */
export const customerColumns: readonly string[] = [...customerFieldNames, ...searchableCustomerFields.map(keyColumn)];

/** The values of `customerColumns`. An absent field is NULL, an empty one ''. */
export function customerColumnValues(customer: CustomerFields): (string | null)[] {
  const given = pick(customer, customerFieldNames);
  const value = (name: string) => given[name] ?? null;
  return [...customerFieldNames.map(value), ...searchableCustomerFields.map((name) => (value(name) === null ? null : matchKey(value(name)!)))];
}

/** The columns an update sets: each field given, and the key of each searchable one. */
export function changedCustomerColumns(changes: CustomerFields): [column: string, value: string][] {
  return Object.entries(pick(changes, customerFieldNames)).flatMap(([name, value]): [string, string][] => [
    [name, value!],
    ...(searchableCustomerFields.includes(name) ? [[keyColumn(name), matchKey(value!)] as [string, string]] : []),
  ]);
}

/** A case's columns. */
export const caseColumns: readonly string[] = ["id", "number", "customer_id", "title", "description", "status", "created", "last_updated", "interactions", ...caseFieldNames];

/** The values of the field columns of a case, NULL for an absent field. */
export function caseFieldValues(fields: CaseFields): (string | null)[] {
  const given = pick(fields, caseFieldNames);
  return caseFieldNames.map((name) => given[name] ?? null);
}

/** The columns an update of `current` sets: what `changes` gives, the interactions after its own, and last_updated. */
export function changedCaseColumns(current: StoredCase, changes: CaseChanges): [column: string, value: string][] {
  const { title, description, status } = changes;
  const given = Object.entries({ ...pick({ title, description, status }, ["title", "description", "status"]), ...pick(changes, caseFieldNames) });
  return [
    ...(given as [string, string][]),
    ["interactions", JSON.stringify([...current.interactions, ...(changes.interactions ?? [])])],
    ["last_updated", now()],
  ];
}

/** The customer a row holds: its id and the fields that are not NULL. */
export function customerFromRow(row: Row): StoredCustomer {
  const customer: StoredCustomer = { id: String(row.id) };
  for (const name of customerFieldNames) if (row[name] !== null) (customer as Record<string, string>)[name] = String(row[name]);
  return customer;
}

/** The case a row holds: the fields that are not NULL, and the interactions parsed. */
export function caseFromRow(row: Row): StoredCase {
  const stored: StoredCase = {
    id: String(row.id),
    number: caseNumber(Number(row.number)),
    customerId: String(row.customer_id),
    title: String(row.title),
    description: String(row.description),
    status: row.status as CaseStatus,
    created: String(row.created),
    lastUpdated: String(row.last_updated),
    interactions: JSON.parse(String(row.interactions)),
  };
  for (const name of caseFieldNames) if (row[name] !== null) (stored as Record<string, unknown>)[name] = String(row[name]);
  return stored;
}

/** Keeps everything in memory: for tests, and `STORE=memory`. */
export class MemoryCrmStore implements CrmStore {
  readonly #customers = new Map<string, StoredCustomer>();
  readonly #cases = new Map<string, StoredCase>();
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
    const found = this.#newestFirst().filter((c) => wanted.every(([name, key]) => {
      const value = (c as Record<string, string | undefined>)[name];
      return value !== undefined && matchKey(value) === key;
    }));
    return found.slice(0, limit);
  }

  async bestMatchCustomers(facts: readonly string[], limit: number): Promise<StoredCustomer[]> {
    const scored = this.#newestFirst().map((customer) => {
      const keys = new Set(searchableCustomerFields.flatMap((name) => {
        const value = (customer as Record<string, string | undefined>)[name];
        return value === undefined ? [] : [matchKey(value)];
      }));
      return { customer, score: facts.filter((fact) => keys.has(fact)).length };
    });
    // A stable sort keeps the newest first among equal scores.
    return scored.filter((s) => s.score > 0).sort((a, b) => b.score - a.score).slice(0, limit).map((s) => s.customer);
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
    Object.assign(stored, pick({ title, description, status }, ["title", "description", "status"]), pick(changes, caseFieldNames));
    stored.interactions.push(...(interactions ?? []));
    stored.lastUpdated = now();
    return structuredClone(stored);
  }

  async listCases(customerId: string): Promise<StoredCase[] | undefined> {
    if (!this.#customers.has(customerId)) return undefined;
    return [...this.#cases.values()].filter((c) => c.customerId === customerId).reverse().map((c) => structuredClone(c));
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
