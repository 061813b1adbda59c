// Mistakes of the kinds hand-built servers make that break the vendor's contract, one seeded per CRM for
// verify's tests (verify-faults.test.ts): verify must fail, naming the rule each breaks. A fault is the
// reference CRM with a handler replaced or a proxy rewriting its traffic (./faulty-crm.ts).
import { objectStructures } from "../../generated/server.js";
import { type Fault, rewriteJson } from "./faulty-crm.js";
import { apiKeys } from "./server.js";
import { searchableOne } from "./fields.js";

export interface Seeded {
  mistake: string;
  fault: Fault;
  /** The operation, the rule of the check that must fail (or warn), and what its problem says. */
  expected: { operationId: string; rule: string; problem: RegExp };
  /** A kit addition: the run only warns. */
  warnOnly?: boolean;
}

/** What a web framework answers by itself: HTML, not the contract's error body. */
export const errorPage =
  "<!DOCTYPE html><html><head><title>Error</title></head><body><pre>Bad Request</pre></body></html>";
const isError = (status: number) => status >= 400;
const customerFieldNames = objectStructures.customer.fields.map((f) => f.name);

/** The mistakes that break the contract: verify fails. */
export const contractMistakes: Seeded[] = [
  {
    mistake: "an error page from the web framework instead of the error body",
    fault: {
      response: (r) =>
        isError(r.status) ? { ...r, headers: { "content-type": "text/html; charset=utf-8" }, body: errorPage } : r,
    },
    expected: {
      operationId: "createCustomer",
      rule: "401 without a key",
      problem: /answered in text\/html, not application\/json/,
    },
  },
  {
    mistake: "an error body without its code",
    fault: { response: (r) => (isError(r.status) ? rewriteJson(r, ({ error, ...rest }) => rest) : r) },
    expected: {
      operationId: "createCustomer",
      rule: "401 without a key",
      problem: /must have required property 'error' \(schema /,
    },
  },
  {
    mistake: "a key that is not checked",
    fault: { request: (q) => ({ ...q, headers: { ...q.headers, authorization: apiKeys.primary } }) },
    expected: { operationId: "createCustomer", rule: "401 without a key", problem: /answered 201, not 401/ },
  },
  {
    mistake: "Accept: text/plain ignored",
    fault: {
      request: (q) =>
        q.headers.accept?.includes("text/plain") ? { ...q, headers: { ...q.headers, accept: "application/json" } } : q,
    },
    expected: {
      operationId: "findCustomer",
      rule: "200 for a valid call, in text/plain",
      problem: /answered in application\/json, not text\/plain/,
    },
  },
  {
    mistake: "an update that replaces the record (the fields not given emptied)",
    fault: {
      handlers: (reference) => ({
        updateCustomer: (request) =>
          reference.updateCustomer({
            ...request,
            body: { ...Object.fromEntries(customerFieldNames.map((n) => [n, ""])), ...request.body },
          }),
      }),
    },
    expected: {
      operationId: "updateCustomer",
      rule: "an update changes only the fields given",
      problem: new RegExp(`${searchableOne} is "", not`),
    },
  },
  {
    mistake: "a crash (500) on an unknown id",
    fault: {
      handlers: (reference) => ({
        async findCustomer(request) {
          const answer = await reference.findCustomer(request);
          if (answer.status === 404) throw new TypeError("Cannot read properties of undefined (reading 'fields')");
          return answer;
        },
      }),
    },
    expected: { operationId: "findCustomer", rule: "404 for an unknown id", problem: /answered 500, not 404/ },
  },
  {
    mistake: "a customer's cases listed oldest first",
    fault: {
      response: (r, q) =>
        /^\/customer\/[^/]+\/cases/.test(q.path)
          ? rewriteJson(r, (list) => (Array.isArray(list) ? list.reverse() : list))
          : r,
    },
    expected: {
      operationId: "findCases",
      rule: "the customer's cases, newest first",
      problem: /listed .*, not .* first to last/,
    },
  },
  {
    mistake: "200 for a create instead of 201",
    fault: {
      response: (r, q) =>
        q.method === "POST" && q.path === "/customer" && r.status === 201 ? { ...r, status: 200 } : r,
    },
    expected: {
      operationId: "createCustomer",
      rule: "201 for a valid call",
      problem: /createCustomer answered 200, not 201/,
    },
  },
  {
    mistake: 'a null stored as the text "null"',
    fault: { request: (q) => (q.body.includes(":null") ? { ...q, body: q.body.replaceAll(":null", ':"null"') } : q) },
    expected: {
      operationId: "createCustomer",
      rule: "a null field is not sent: 201, the null stored nowhere",
      problem: /a null is not stored/,
    },
  },
  {
    mistake: "a search that is case-sensitive",
    fault: {
      handlers: (reference) => ({
        async searchCustomers(request) {
          const answer = await reference.searchCustomers(request);
          if (answer.status !== 200) return answer;
          const exact = answer.body.filter((c) =>
            Object.entries(request.body).every(([name, value]) => (c as Record<string, unknown>)[name] === value),
          );
          return exact.length > 0 ? { status: 200, body: exact } : { status: 204 };
        },
      }),
    },
    expected: {
      operationId: "searchCustomers",
      rule: "search finds the new customer by a searchable field, ignoring case",
      problem: /searchCustomers answered 204, not 200/,
    },
  },
  {
    mistake: "a new case that is not open",
    fault: {
      response: (r, q) =>
        q.path === "/case" && r.status === 201 ? rewriteJson(r, (c) => ({ ...c, status: "closed" })) : r,
    },
    expected: {
      operationId: "createCase",
      rule: "a new case (first case) is open, for its customer, its interactions in order",
      problem: /status is "closed", not "open"/,
    },
  },
  {
    mistake: "createCase refusing customId (as contract 2.1.0 did)",
    fault: {
      request: (q) => {
        if (q.path !== "/case" || !q.body.includes('"customId"') || q.body.includes('"customerId"')) return q;
        const refusal = {
          error: "field_validation_error",
          message: "customerId is required.",
          fields: [{ name: "customerId", errorMessage: "customerId is required." }],
        };
        return { status: 422, headers: { "content-type": "application/json" }, body: JSON.stringify(refusal) };
      },
    },
    expected: {
      operationId: "createCase",
      rule: "a case named by customId",
      problem: /createCase answered 422, not 201/,
    },
  },
  {
    mistake: "any meta type answered with the customer's fields",
    fault: {
      handlers: () => ({ defineObjectStructures: async () => ({ status: 200, body: objectStructures.customer }) }),
    },
    expected: {
      operationId: "defineObjectStructures",
      rule: "404 for an unknown type",
      problem: /answered 200, not 404/,
    },
  },
];
