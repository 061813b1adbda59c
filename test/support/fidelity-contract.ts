// The custom-CRM contract written as data (guide/contract.md), for fidelity.test.ts: a golden copy of the
// vendor's facts and the kit's decisions, per operation: method, path, summary, tag, headers, path
// parameters, body fields and the statuses it answers with their bodies or error codes.
import { caseFields, customerFields } from "./custom-fields.js";

type HeaderTypes = Record<string, "string" | "integer">;
// As the vendor types them per operation: strings on createCustomer and updateCustomer, integers elsewhere
// (int64, the wider of the vendor's int32 and "int64"), no x-sf-initiative on the meta operation.
const asText: HeaderTypes = {
  "x-sf-user-email": "string",
  "x-sf-initiative": "string",
  "x-sf-company-id": "string",
};
const asIntegers: HeaderTypes = {
  "x-sf-user-email": "string",
  "x-sf-initiative": "integer",
  "x-sf-company-id": "integer",
};

/** A success body, or an error's codes and how it carries `fields`. */
export type Answer =
  | "Customer"
  | "Customer[]"
  | "Case"
  | "Case[]"
  | "ObjectStructure"
  | "no body"
  | { codes: readonly string[]; fields?: "one" | "list" };
const plain = (...codes: string[]): Answer => ({ codes });
const common = { 401: plain("invalid_api_key"), 406: plain("not_acceptable"), 500: plain("unexpected_error") };
const customerPayload = {
  400: { codes: ["invalid_payload", "invalid_field"], fields: "one" },
  413: plain("payload_too_large"),
} as const;
const casePayload = {
  400: { codes: ["invalid_payload", "invalid_field"], fields: "list" },
  413: plain("payload_too_large"),
} as const;
const validation = { codes: ["field_validation_error"], fields: "list" } as const;

export interface Contract {
  method: string;
  path: string;
  summary: string;
  tag: string;
  headers: HeaderTypes;
  pathParameters: string[];
  /** `open`: a property the spec does not list is accepted (and ignored); otherwise it is a 400. */
  body?: { fields: string[]; required: string[]; open?: boolean };
  answers: Record<number, Answer>;
}

export const contract: Record<string, Contract> = {
  createCustomer: {
    method: "POST",
    path: "/customer",
    summary: "Create a new customer",
    tag: "Customers",
    headers: asText,
    pathParameters: [],
    body: { fields: customerFields, required: [] },
    answers: { 201: "Customer", ...customerPayload, ...common, 422: validation },
  },
  searchCustomers: {
    method: "POST",
    path: "/customers",
    summary: "Find all customers matching the provided set of criteria",
    tag: "Customers",
    headers: asIntegers,
    pathParameters: [],
    body: { fields: customerFields.filter((f) => f.includes("Searchable") && !f.includes("Non")), required: [] },
    answers: { 200: "Customer[]", 204: "no body", ...customerPayload, ...common },
  },
  bestmatchCustomers: {
    method: "POST",
    path: "/customer/bestmatch",
    summary: "Find a customer best match based on known Social Information",
    tag: "Customers",
    headers: asIntegers,
    pathParameters: [],
    body: {
      fields: [
        "displayName",
        "screenName",
        "description",
        "profileUrl",
        "email",
        "phoneNumbers",
        "addresses",
        "orderNumbers",
        "caseNumbers",
        "accountNumbers",
      ],
      required: [],
      open: true,
    },
    answers: { 200: "Customer[]", ...customerPayload, ...common },
  },
  findCustomer: {
    method: "GET",
    path: "/customer/{id}",
    summary: "Returns info for a specific customer",
    tag: "Customers",
    headers: asIntegers,
    pathParameters: ["id"],
    answers: { 200: "Customer", 400: plain("invalid_field"), 404: plain("customer_not_found"), ...common },
  },
  updateCustomer: {
    method: "PATCH",
    path: "/customer/{id}",
    summary: "Update a customer's details",
    tag: "Customers",
    headers: asText,
    pathParameters: ["id"],
    body: { fields: customerFields, required: [] },
    answers: { 201: "Customer", ...customerPayload, 404: plain("customer_not_found"), ...common, 422: validation },
  },
  findCases: {
    method: "GET",
    path: "/customer/{id}/cases",
    summary: "Get all cases for the given customer ID",
    tag: "Cases",
    headers: asIntegers,
    pathParameters: ["id"],
    answers: { 200: "Case[]", 400: plain("invalid_field"), 404: plain("customer_not_found"), ...common },
  },
  createCase: {
    method: "POST",
    path: "/case",
    summary: "Create a new case with interactions",
    tag: "Cases",
    headers: asIntegers,
    pathParameters: [],
    body: {
      fields: ["customerId", "customId", "title", "description", "interactions", ...caseFields],
      required: ["title"],
    },
    answers: { 201: "Case", ...casePayload, ...common, 422: validation },
  },
  lookupCase: {
    method: "GET",
    path: "/case/{id}",
    summary: "Returns info for a specific case",
    tag: "Cases",
    headers: asIntegers,
    pathParameters: ["id"],
    answers: { 200: "Case", 400: plain("invalid_field"), 404: plain("case_not_found"), ...common, 422: validation },
  },
  updateCase: {
    method: "PATCH",
    path: "/case/{id}",
    summary: "Update a case",
    tag: "Cases",
    headers: asIntegers,
    pathParameters: ["id"],
    body: {
      fields: ["customerId", "customId", "title", "description", "interactions", "status", ...caseFields],
      required: [],
    },
    answers: { 201: "Case", ...casePayload, 404: plain("case_not_found"), ...common, 422: validation },
  },
  defineObjectStructures: {
    method: "GET",
    path: "/meta/object/{type}",
    summary: "Define object structures for a specified type",
    tag: "Metadata",
    headers: { "x-sf-user-email": "string", "x-sf-company-id": "integer" },
    pathParameters: ["type"],
    answers: {
      200: "ObjectStructure",
      400: plain("invalid_field"),
      404: plain("meta_type_not_supported"),
      ...common,
    },
  },
};
