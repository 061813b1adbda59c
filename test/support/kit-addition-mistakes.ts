// Mistakes against what the kit adds to the vendor's contract (406, X-Request-Id, the 404 shape), one
// seeded per CRM for verify's tests (verify-faults.test.ts): a server may lack them, so verify only warns.
import { errorPage, type Seeded } from "./contract-mistakes.js";

/** The mistakes against a kit addition: verify warns, and fails nothing. */
export const kitAdditionMistakes: Seeded[] = [
  {
    mistake: "an Accept it cannot meet answered anyway (no 406: a kit addition)",
    fault: {
      request: (q) => (q.headers.accept === "image/png" ? { ...q, headers: { ...q.headers, accept: "*/*" } } : q),
    },
    expected: {
      operationId: "createCustomer",
      rule: "406 for an Accept it cannot meet",
      problem: /answered 201, not 406/,
    },
    warnOnly: true,
  },
  {
    mistake: "no X-Request-Id (the kit's header, not the vendor's)",
    fault: {
      response: (r) => ({
        ...r,
        headers: Object.fromEntries(Object.entries(r.headers).filter(([name]) => name !== "x-request-id")),
      }),
    },
    expected: {
      operationId: "findCustomer",
      rule: "the answer carries X-Request-Id",
      problem: /no X-Request-Id header/,
    },
    warnOnly: true,
  },
  {
    mistake: "an HTML page for a path the API does not have (its 404 shape is a kit addition)",
    fault: {
      response: (r) =>
        r.status === 404 && r.body.includes('"not_found"')
          ? { ...r, headers: { "content-type": "text/html" }, body: errorPage }
          : r,
    },
    expected: {
      operationId: "(no operation)",
      rule: "404 in the error shape for a path the API does not have",
      problem: /answered in text\/html/,
    },
    warnOnly: true,
  },
];
