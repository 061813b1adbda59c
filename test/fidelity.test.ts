// The bundled spec against the custom-CRM contract (guide/contract.md). The tables below are the
// contract written as data, a golden copy of the vendor's facts and the kit's decisions: an edit of the
// spec that breaks it fails here, naming the operation, field or status.
import { describe, expect, it } from "vitest";
import { objectStructures } from "../generated/server.js";
import { firstExample, type FlatSchema, model } from "./support/spec.js";

type HeaderTypes = Record<string, "string" | "integer">;
// As the vendor types them per operation: strings on createCustomer and updateCustomer, integers elsewhere
// (int64, the wider of the vendor's int32 and "int64"), no x-sf-initiative on the meta operation.
const asText: HeaderTypes = { "x-sf-user-email": "string", "x-sf-initiative": "string", "x-sf-company-id": "string" };
const asIntegers: HeaderTypes = { "x-sf-user-email": "string", "x-sf-initiative": "integer", "x-sf-company-id": "integer" };
const customerFields = ["customSearchableCustomerFieldOne", "customSearchableCustomerFieldTwo", "customNonSearchableCustomerFieldOne", "customNonSearchableCustomerFieldTwo"];
const caseFields = ["customCasePropertyOne", "customCasePropertyTwo"];

/** A success body, or an error's codes and how it carries `fields`. */
type Answer = "Customer" | "Customer[]" | "Case" | "Case[]" | "ObjectStructure" | "no body" | { codes: readonly string[]; fields?: "one" | "list" };
const plain = (...codes: string[]): Answer => ({ codes });
const common = { 401: plain("invalid_api_key"), 406: plain("not_acceptable"), 500: plain("unexpected_error") };
const customerPayload = { 400: { codes: ["invalid_payload", "invalid_field"], fields: "one" }, 413: plain("payload_too_large") } as const;
const casePayload = { 400: { codes: ["invalid_payload", "invalid_field"], fields: "list" }, 413: plain("payload_too_large") } as const;
const validation = { codes: ["field_validation_error"], fields: "list" } as const;

interface Contract {
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

const contract: Record<string, Contract> = {
  createCustomer: {
    method: "POST", path: "/customer", summary: "Create a new customer", tag: "Customers", headers: asText, pathParameters: [],
    body: { fields: customerFields, required: [] },
    answers: { 201: "Customer", ...customerPayload, ...common, 422: validation },
  },
  searchCustomers: {
    method: "POST", path: "/customers", summary: "Find all customers matching the provided set of criteria", tag: "Customers", headers: asIntegers, pathParameters: [],
    body: { fields: customerFields.filter((f) => f.includes("Searchable") && !f.includes("Non")), required: [] },
    answers: { 200: "Customer[]", 204: "no body", ...customerPayload, ...common },
  },
  bestmatchCustomers: {
    method: "POST", path: "/customer/bestmatch", summary: "Find a customer best match based on known Social Information", tag: "Customers", headers: asIntegers, pathParameters: [],
    body: {
      fields: ["displayName", "screenName", "description", "profileUrl", "email", "phoneNumbers", "addresses", "orderNumbers", "caseNumbers", "accountNumbers"],
      required: [],
      open: true,
    },
    answers: { 200: "Customer[]", ...customerPayload, ...common },
  },
  findCustomer: {
    method: "GET", path: "/customer/{id}", summary: "Returns info for a specific customer", tag: "Customers", headers: asIntegers, pathParameters: ["id"],
    answers: { 200: "Customer", 400: plain("invalid_field"), 404: plain("customer_not_found"), ...common },
  },
  updateCustomer: {
    method: "PATCH", path: "/customer/{id}", summary: "Update a customer's details", tag: "Customers", headers: asText, pathParameters: ["id"],
    body: { fields: customerFields, required: [] },
    answers: { 201: "Customer", ...customerPayload, 404: plain("customer_not_found"), ...common, 422: validation },
  },
  findCases: {
    method: "GET", path: "/customer/{id}/cases", summary: "Get all cases for the given customer ID", tag: "Cases", headers: asIntegers, pathParameters: ["id"],
    answers: { 200: "Case[]", 400: plain("invalid_field"), 404: plain("customer_not_found"), ...common },
  },
  createCase: {
    method: "POST", path: "/case", summary: "Create a new case with interactions", tag: "Cases", headers: asIntegers, pathParameters: [],
    body: { fields: ["customerId", "customId", "title", "description", "interactions", ...caseFields], required: ["title"] },
    answers: { 201: "Case", ...casePayload, ...common, 422: validation },
  },
  lookupCase: {
    method: "GET", path: "/case/{id}", summary: "Returns info for a specific case", tag: "Cases", headers: asIntegers, pathParameters: ["id"],
    answers: { 200: "Case", 400: plain("invalid_field"), 404: plain("case_not_found"), ...common, 422: validation },
  },
  updateCase: {
    method: "PATCH", path: "/case/{id}", summary: "Update a case", tag: "Cases", headers: asIntegers, pathParameters: ["id"],
    body: { fields: ["customerId", "customId", "title", "description", "interactions", "status", ...caseFields], required: [] },
    answers: { 201: "Case", ...casePayload, 404: plain("case_not_found"), ...common, 422: validation },
  },
  defineObjectStructures: {
    method: "GET", path: "/meta/object/{type}", summary: "Define object structures for a specified type", tag: "Metadata",
    headers: { "x-sf-user-email": "string", "x-sf-company-id": "integer" }, pathParameters: ["type"],
    answers: { 200: "ObjectStructure", 400: plain("invalid_field"), 404: plain("meta_type_not_supported"), ...common },
  },
};

const schemas = model.schemas();
const flat = (name: string) => model.flatten(schemas[name]);
/** The resolved JSON schema of an operation's status. */
const json = (operationId: string, status: number) => model.flatten(model.response(model.operation(operationId), status)!.content["application/json"]!.schema);
const sameShape = (a: FlatSchema, b: FlatSchema) => expect(JSON.stringify(a)).toBe(JSON.stringify(b));

describe("the operations", () => {
  it("are exactly the contract's ten, each protected by the Authorization value", () => {
    expect(model.operations.map((op) => op.operationId).sort()).toEqual(Object.keys(contract).sort());
    for (const op of model.operations) {
      expect(model.securitySchemes(op), op.operationId).toEqual([[{ id: "AuthHeaderValue", scheme: expect.objectContaining({ type: "apiKey", in: "header", name: "Authorization" }) }]]);
    }
    for (const op of model.operations) expect(model.apiKeyHeaders(op), op.operationId).toEqual(["Authorization"]);
  });
});

describe.each(Object.entries(contract))("%s", (operationId, c) => {
  const op = model.operation(operationId);

  it(`is ${c.method} ${c.path}, "${c.summary}", tagged ${c.tag}`, () => {
    expect([op.method, op.path, op.summary, op.tags]).toEqual([c.method, c.path, c.summary, [c.tag]]);
  });

  it("has the vendor's optional headers, typed as the vendor types them here, with no format, pattern or enum of ours", () => {
    const headers = op.parameters.filter((p) => p.in === "header");
    expect(Object.fromEntries(headers.map((h) => [h.name, model.flatten(h.schema).type]))).toEqual(c.headers);
    for (const header of headers) {
      expect(header.required, header.name).toBe(false);
      const schema = model.flatten(header.schema);
      expect([schema.pattern, schema.enum], header.name).toEqual([undefined, undefined]);
      expect(schema.format, header.name).toBe(schema.type === "integer" ? "int64" : undefined);
    }
    expect(op.parameters.filter((p) => p.in === "path").map((p) => [p.name, model.flatten(p.schema).type])).toEqual(c.pathParameters.map((n) => [n, "string"]));
  });

  const bodyRule = c.body?.open ? "and accepts (ignores) any other" : "no other property";
  it(c.body ? `takes a JSON body with exactly the contract's fields, ${bodyRule}` : "takes no body", () => {
    if (!c.body) return expect(op.requestBody).toBeUndefined();
    expect(Object.keys(op.requestBody!.content)).toEqual(["application/json"]);
    const body = model.flatten(model.requestSchema(op));
    expect(body.closed).toBe(!c.body.open);
    expect(Object.keys(body.properties).sort()).toEqual([...c.body.fields].sort());
    expect(body.required.sort()).toEqual([...c.body.required].sort());
  });

  it(`answers exactly ${Object.keys(c.answers).join(", ")}`, () => {
    expect(op.responses.map((r) => r.status).sort()).toEqual(Object.keys(c.answers).map(Number).sort());
  });

  it.each(Object.entries(c.answers))("%s has the contract's body and media types", (status, answer) => {
    const response = model.response(op, Number(status))!;
    const mediaTypes = Object.keys(response.content).sort();
    if (answer === "no body") return expect(mediaTypes).toEqual([]);
    expect(mediaTypes).toEqual(status === "406" ? ["application/json"] : ["application/json", "text/plain"]);
    if (response.content["text/plain"]) expect(model.flatten(response.content["text/plain"].schema).type).toBe("string");
    const body = json(operationId, Number(status));
    if (typeof answer === "string") {
      const [name, list] = answer.split("[]");
      if (list !== undefined) return sameShape(body.items!, flat(name!));
      return sameShape(body, flat(name!));
    }
    expect(body.closed).toBe(true);
    expect(body.properties.error!.enum).toEqual(answer.codes);
    expect(body.required.sort()).toEqual(answer.fields === "list" && status === "422" ? ["error", "fields", "message"] : ["error", "message"]);
    const fields = body.properties.fields;
    if (!answer.fields) return expect(fields).toBeUndefined();
    const item = answer.fields === "list" ? fields!.items! : fields!;
    expect(fields!.type).toBe(answer.fields === "list" ? "array" : "object");
    expect(item.required.sort()).toEqual(["errorMessage", "name"]);
  });

  it("has a named example for each status and media type", () => {
    for (const response of op.responses) {
      for (const [mediaType, media] of Object.entries(response.content)) {
        expect(Object.keys(media.examples).length, `${response.status} ${mediaType}`).toBeGreaterThan(0);
      }
    }
  });
});

describe("the records", () => {
  it("a Customer is {id*, url* (uri)} and the custom fields, nothing else", () => {
    const customer = flat("Customer");
    expect(customer.closed).toBe(true);
    expect(customer.required.sort()).toEqual(["id", "url"]);
    expect(customer.properties.url).toMatchObject({ type: "string", format: "uri" });
    expect(Object.keys(customer.properties).sort()).toEqual(["id", "url", ...customerFields].sort());
  });

  it("a Case has the vendor's required fields, a status open or closed, date-times, ordered interactions and the custom fields", () => {
    const crmCase = flat("Case");
    expect(crmCase.closed).toBe(true);
    expect(crmCase.required.sort()).toEqual(["created", "customerId", "description", "id", "lastUpdated", "number", "status", "title", "url"]);
    expect(crmCase.properties.status!.enum).toEqual(["open", "closed"]);
    expect([crmCase.properties.created!.format, crmCase.properties.lastUpdated!.format]).toEqual(["date-time", "date-time"]);
    expect(crmCase.properties.url!.format).toBeUndefined(); // the vendor gives the case's url no uri format
    expect(crmCase.properties.interactions!.items!.required.sort()).toEqual(["body", "contentType", "created", "linkUrl", "service", "serviceId"]);
    expect(Object.keys(crmCase.properties)).toEqual(expect.arrayContaining(caseFields));
  });

  it("bestmatch takes accountNumbers as a string or a list of strings (the vendor types one, describes the other), or null", () => {
    const accountNumbers = model.flatten(model.requestSchema(model.operation("bestmatchCustomers"))).properties.accountNumbers!;
    expect(accountNumbers.oneOf!.map((option) => [option.type, option.items?.type])).toEqual([["string", undefined], ["array", "string"], ["null", undefined]]);
  });
});

describe("Khoros's tolerance (2.2.0)", () => {
  /** The schema of a request body's property, by a dotted path through objects and array items. */
  const at = (operationId: string, path: string) =>
    path.split(".").reduce((node, name) => {
      const option = node.oneOf?.find((o) => o.type !== "null") ?? node;
      return (option.items ?? option).properties[name]!;
    }, model.flatten(model.requestSchema(model.operation(operationId))));
  const nullable = (schema: FlatSchema) => [schema.type].flat().includes("null") || (schema.oneOf ?? []).some((o) => o.type === "null");
  const objectOf = (schema: FlatSchema) => {
    const option = schema.oneOf?.find((o) => o.type !== "null") ?? schema;
    return option.items ?? option;
  };

  it.each([
    ["createCustomer", "customSearchableCustomerFieldOne"],
    ["updateCustomer", "customNonSearchableCustomerFieldTwo"],
    ["searchCustomers", "customSearchableCustomerFieldTwo"],
    ["bestmatchCustomers", "addresses.city"],
    ["createCase", "interactions.author"],
    ["createCase", "interactions.linkUrl"],
    ["updateCase", "status"],
  ])("%s's %s may be null, read as not sent", (operationId, path) => {
    expect(nullable(at(operationId, path))).toBe(true);
  });

  it("the nested objects Khoros fills are open: an interaction, its author, an address, the best-match profile", () => {
    for (const [operationId, path] of [["createCase", "interactions"], ["updateCase", "interactions.author"], ["bestmatchCustomers", "addresses"]] as const) {
      expect(objectOf(at(operationId, path)).closed, `${operationId} ${path}`).toBe(false);
    }
  });

  it("an interaction requires what the vendor requires and does not call optional: not linkUrl (\"when available\")", () => {
    expect(objectOf(at("createCase", "interactions")).required.sort()).toEqual(["body", "contentType", "created", "service", "serviceId"]);
    expect(objectOf(at("createCase", "interactions.author")).required.sort()).toEqual(["brandOwned", "handle", "name", "service", "serviceId"]);
  });

  it("createCase names its customer by customerId or customId, one of them required", () => {
    const body = model.flatten(model.requestSchema(model.operation("createCase")));
    expect(body.anyOf!.map((choice) => choice.map((option) => option.required))).toEqual([[["customerId"], ["customId"]]]);
  });

  it("what the CRM answers did not widen: a Case's interactions and their authors are as before", () => {
    const interaction = flat("Case").properties.interactions!.items!;
    expect(interaction.closed).toBe(true);
    expect(interaction.properties.linkUrl!.type).toBe("string");
    expect(interaction.properties.author!.closed).toBe(true);
  });
});

describe("custom fields, declared once", () => {
  it("each carries x-searchable, x-label and x-field-type, and the meta operation's answer is generated from them", () => {
    expect(Object.keys(objectStructures).sort()).toEqual(["case", "customer"]);
    expect(objectStructures.customer.fields.map((f) => f.name)).toEqual(customerFields);
    expect(objectStructures.case.fields.map((f) => f.name)).toEqual(caseFields);
    expect(objectStructures.case.fields.every((f) => !f.searchable)).toBe(true); // only customer fields are searchable
  });

  it("the searchCustomers body is the searchable customer fields", () => {
    const searchable = objectStructures.customer.fields.filter((f) => f.searchable).map((f) => f.name);
    expect(Object.keys(model.flatten(model.requestSchema(model.operation("searchCustomers"))).properties)).toEqual(searchable);
  });

  it("the meta operation's examples are exactly what the spec's fields generate", () => {
    const examples = model.response(model.operation("defineObjectStructures"), 200)!.content["application/json"]!.examples;
    expect(Object.values(examples).map((example) => model.example(example))).toEqual([objectStructures.customer, objectStructures.case]);
    expect(firstExample(model.response(model.operation("defineObjectStructures"), 200)!.content["text/plain"]!)).toBe(
      objectStructures.customer.fields.map((f) => f.name).join("\n"),
    );
  });
});
