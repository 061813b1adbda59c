// The reference CRM's implementation of the spec's operations: the only code an integrator writes. The
// runtime has already checked the key, the headers and the body against the spec; each handler talks to
// the store and answers one of its operation's documented statuses.
import { errorBody, type Handlers, objectStructures, type WithoutNulls } from "../generated/server.js";
import type { components } from "../generated/types.js";
import { casePagePath, customerPagePath } from "./pages.js";
import {
  bestMatchFactLimit,
  type CrmStore,
  matchKey,
  pick,
  searchableCustomerFields,
  type SentInteraction,
  type StoredCase,
  type StoredCustomer,
} from "./stores/store.js";

type Schemas = components["schemas"];

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
export function profileFacts(profile: WithoutNulls<Schemas["BestMatchRequest"]>): string[] {
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

/**
 * An interaction as the API answers it: the properties the spec's Interaction documents, with an empty
 * `linkUrl` where Khoros sent none (the vendor's Case requires one). What else Khoros sent stays in the
 * store and shows on the case page.
 */
function answeredInteraction({
  created,
  body,
  linkUrl = "",
  serviceId,
  service,
  contentType,
  author,
}: SentInteraction): Schemas["Interaction"] {
  const interaction: Schemas["Interaction"] = { created, body, linkUrl, serviceId, service, contentType };
  if (author)
    interaction.author = {
      service: author.service,
      serviceId: author.serviceId,
      handle: author.handle,
      name: author.name,
      brandOwned: author.brandOwned,
    };
  return interaction;
}

/** A 422 whose problem lies with the named fields (one `fields` entry each). */
function invalidCustomer(error: { error: "field_validation_error"; message: string }, ...names: string[]) {
  return {
    status: 422 as const,
    body: { ...error, fields: names.map((name) => ({ name, errorMessage: error.message })) },
  };
}

type NamedCustomer = { field: string; id: string; refused?: never } | { refused: ReturnType<typeof invalidCustomer> };

/**
 * The customer a case body names: by `customerId` or by `customId` (the vendor's spelling); a 422 when the
 * two name different customers; undefined when neither is sent.
 */
function namedCustomer(body: { customerId?: string; customId?: string }): NamedCustomer | undefined {
  const { customerId, customId } = body;
  if (customerId !== undefined && customId !== undefined && customerId !== customId) {
    return {
      refused: invalidCustomer(errorBody("customerIdsDiffer", { customerId, customId }), "customerId", "customId"),
    };
  }
  if (customerId !== undefined) return { field: "customerId", id: customerId };
  if (customId !== undefined) return { field: "customId", id: customId };
  return undefined;
}

/** Stored records as answered: with the link to their page in the CRM. */
function withLinks(publicUrl: string) {
  const origin = publicUrl.replace(/\/+$/, "");
  return {
    customer: (stored: StoredCustomer) => ({ ...stored, url: `${origin}${customerPagePath(stored.id)}` }),
    crmCase: (stored: StoredCase) => ({
      ...stored,
      interactions: stored.interactions.map(answeredInteraction),
      url: `${origin}${casePagePath(stored.id)}`,
    }),
  };
}

type Links = ReturnType<typeof withLinks>;
type CustomerOperations =
  "createCustomer" | "searchCustomers" | "bestmatchCustomers" | "findCustomer" | "updateCustomer" | "findCases";

const customerNotFound = (id: string) => ({ status: 404 as const, body: errorBody("customerNotFound", { id }) });
const caseNotFound = (id: string) => ({ status: 404 as const, body: errorBody("caseNotFound", { id }) });

function customerHandlers(store: CrmStore, { customer, crmCase }: Links): Pick<Handlers, CustomerOperations> {
  return {
    async createCustomer({ body }) {
      return { status: 201, body: customer(await store.createCustomer(body)) };
    },

    async searchCustomers({ body }) {
      const criteria = pick(body, searchableCustomerFields) as Record<string, string>;
      // No criterion at all ({} or only nulls) finds nobody: 204, as for no match.
      const found = Object.keys(criteria).length === 0 ? [] : await store.searchCustomers(criteria, searchLimit);
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
  };
}

function caseHandlers(store: CrmStore, { crmCase }: Links): Pick<Handlers, "createCase" | "lookupCase" | "updateCase"> {
  return {
    async createCase({ body }) {
      const named = namedCustomer(body)!; // the spec requires one of the two
      if (named.refused) return named.refused;
      const created = await store.createCase({ ...body, customerId: named.id });
      return created
        ? { status: 201, body: crmCase(created) }
        : invalidCustomer(errorBody("unknownCustomerId", named), named.field);
    },

    async lookupCase({ path }) {
      const found = await store.getCase(path.id);
      return found ? { status: 200, body: crmCase(found) } : caseNotFound(path.id);
    },

    async updateCase({ path, body }) {
      const named = namedCustomer(body);
      if (named?.refused) return named.refused;
      if (named) {
        // A case keeps its customer, so this check cannot race with another update.
        const current = await store.getCase(path.id);
        if (!current) return caseNotFound(path.id);
        if (current.customerId !== named.id)
          return invalidCustomer(errorBody("caseCustomerFixed", { ...named, caseId: path.id }), named.field);
      }
      const updated = await store.updateCase(path.id, body);
      return updated ? { status: 201, body: crmCase(updated) } : caseNotFound(path.id);
    },
  };
}

export function createHandlers({ store, publicUrl }: CrmSettings): Handlers {
  const links = withLinks(publicUrl);
  return {
    ...customerHandlers(store, links),
    ...caseHandlers(store, links),
    async defineObjectStructures({ path }) {
      const structure = Object.hasOwn(objectStructures, path.type)
        ? objectStructures[path.type as keyof typeof objectStructures]
        : undefined;
      if (structure) return { status: 200, body: structure };
      return {
        status: 404,
        body: errorBody("metaTypeNotSupported", {
          type: path.type,
          supported: Object.keys(objectStructures).join(" or "),
        }),
      };
    },
  };
}
