// The reference CRM's implementation of the spec's operations: the only code an integrator writes. The
// runtime has already checked the key, the headers and the body against the spec; each handler talks to
// the store and answers one of its operation's documented statuses.
import { errorBody, type Handlers, objectStructures } from "../generated/server.js";
import type { components } from "../generated/types.js";
import { casePagePath, customerPagePath } from "./pages.js";
import { bestMatchFactLimit, type CrmStore, matchKey, pick, searchableCustomerFields, type StoredCase, type StoredCustomer } from "./stores/store.js";

export interface CrmSettings {
  store: CrmStore;
  /** Where Khoros and the agent's browser reach this server (its instanceUrl), e.g. `https://crm.example.com/api/v1`. */
  publicUrl: string;
}

/** At most this many customers answer a search, and this many a best match. */
export const searchLimit = 100;
export const bestMatchLimit = 10;

/**
 * The facts of a social profile that the best-match rule compares with the customers' searchable fields:
 * screen name, display name, email, and each phone, order, case and account number, as distinct matchKeys.
 */
export function profileFacts(profile: components["schemas"]["BestMatchRequest"]): string[] {
  const values = [
    profile.screenName,
    profile.displayName,
    profile.email,
    ...(profile.phoneNumbers ?? []),
    ...(profile.orderNumbers ?? []),
    ...(profile.caseNumbers ?? []),
    ...[profile.accountNumbers ?? []].flat(),
  ];
  const facts = values.filter((value): value is string => value !== undefined && value !== "").map(matchKey);
  return [...new Set(facts)].slice(0, bestMatchFactLimit);
}

export function createHandlers({ store, publicUrl }: CrmSettings): Handlers {
  const origin = publicUrl.replace(/\/+$/, "");
  const customer = (stored: StoredCustomer) => ({ ...stored, url: `${origin}${customerPagePath(stored.id)}` });
  const crmCase = (stored: StoredCase) => ({ ...stored, url: `${origin}${casePagePath(stored.id)}` });
  const customerNotFound = (id: string) => ({ status: 404 as const, body: errorBody("customerNotFound", { id }) });
  const caseNotFound = (id: string) => ({ status: 404 as const, body: errorBody("caseNotFound", { id }) });
  const unknownCustomer = (id: string) => {
    const error = errorBody("unknownCustomerId", { id });
    return { status: 422 as const, body: { ...error, fields: [{ name: "customerId", errorMessage: error.message }] } };
  };

  return {
    async createCustomer({ body }) {
      return { status: 201, body: customer(await store.createCustomer(body)) };
    },

    async searchCustomers({ body }) {
      const criteria = pick(body, searchableCustomerFields) as Record<string, string>;
      if (Object.keys(criteria).length === 0) {
        return { status: 400, body: errorBody("noSearchCriteria", { fields: searchableCustomerFields.join(" or ") }) };
      }
      const found = await store.searchCustomers(criteria, searchLimit);
      return found.length > 0 ? { status: 200, body: found.map(customer) } : { status: 204 };
    },

    async bestmatchCustomers({ body }) {
      return { status: 200, body: (await store.bestMatchCustomers(profileFacts(body), bestMatchLimit)).map(customer) };
    },

    async findCustomer({ path }) {
      const found = await store.getCustomer(path.id);
      return found ? { status: 200, body: customer(found) } : customerNotFound(path.id);
    },

    async updateCustomer({ path, body }) {
      const updated = await store.updateCustomer(path.id, body);
      return updated ? { status: 201, body: customer(updated) } : customerNotFound(path.id);
    },

    async findCases({ path }) {
      const cases = await store.listCases(path.id);
      return cases ? { status: 200, body: cases.map(crmCase) } : customerNotFound(path.id);
    },

    async createCase({ body }) {
      const created = await store.createCase(body);
      return created ? { status: 201, body: crmCase(created) } : unknownCustomer(body.customerId);
    },

    async lookupCase({ path }) {
      const found = await store.getCase(path.id);
      return found ? { status: 200, body: crmCase(found) } : caseNotFound(path.id);
    },

    async updateCase({ path, body }) {
      const updated = await store.updateCase(path.id, body);
      if (updated === "no-case") return caseNotFound(path.id);
      if (updated === "no-customer") return unknownCustomer(body.customerId!);
      return { status: 201, body: crmCase(updated) };
    },

    async defineObjectStructures({ path }) {
      const structure = Object.hasOwn(objectStructures, path.type) ? objectStructures[path.type as keyof typeof objectStructures] : undefined;
      if (structure) return { status: 200, body: structure };
      return { status: 404, body: errorBody("metaTypeNotSupported", { type: path.type, supported: Object.keys(objectStructures).join(" or ") }) };
    },
  };
}
