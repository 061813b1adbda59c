// Where the reference CRM keeps customers and cases: the CrmStore interface, the records it keeps, and the
// rules every store shares (the custom fields, whole-value matching, case numbers). An integrator plugs in
// their own CRM by implementing CrmStore; the handlers (../handlers.ts) only talk to this interface. The
// custom fields come from the spec (generated `objectStructures`), so a field added there is stored,
// searched and shown with no edit here. The stores: memory.ts, sqlite.ts, postgres.ts (what the two SQL
// stores share is in sql.ts), and registry.ts, which opens the one STORE names.
import { objectStructures } from "../../generated/server.js";
import type { components } from "../../generated/types.js";
import type { WithoutNulls } from "../../generated/server.js";
import type { FailureEvent, StoredFailureEvent } from "../events/event.js";

type Schemas = components["schemas"];
export type CustomerFields = Schemas["CustomerFields"];
export type StoredCustomer = CustomerFields & { id: string };
export type CaseFields = Schemas["CaseFields"];
/** An interaction as Khoros sent it (its `null`s dropped): kept whole, properties the spec does not list included. */
export type SentInteraction = WithoutNulls<Schemas["InteractionInput"]> & { [property: string]: unknown };
export type CaseStatus = Schemas["CaseStatus"];

/** A case as stored: everything the API's Case has but its url, and its interactions as Khoros sent them. */
export type StoredCase = Omit<Schemas["Case"], "url" | "interactions"> & { interactions: SentInteraction[] };
export type NewCase = CaseFields & {
  customerId: string;
  title: string;
  description?: string;
  interactions?: SentInteraction[];
};
/** What updateCase may change (a case keeps its customer); `interactions` are added after the case's own. */
export type CaseChanges = CaseFields & {
  title?: string;
  description?: string;
  status?: CaseStatus;
  interactions?: SentInteraction[];
};

/** The custom fields, as the spec declares them. */
export const customerFieldNames: readonly string[] = objectStructures.customer.fields.map((field) => field.name);
export const searchableCustomerFields: readonly string[] = objectStructures.customer.fields
  .filter((f) => f.searchable)
  .map((f) => f.name);
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
  /** Keeps Khoros's failure event (its secrets masked) unless its trackingId is kept already; true when new. */
  addFailureEvent(event: FailureEvent, receivedAt?: string): Promise<boolean>;
  /** The failure event with this trackingId, if it was received. */
  getFailureEvent(trackingId: string): Promise<StoredFailureEvent | undefined>;
  /** The latest failure events received, newest first. */
  listFailureEvents(limit: number): Promise<StoredFailureEvent[]>;
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
