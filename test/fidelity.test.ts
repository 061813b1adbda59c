// The bundled spec against the createCustomer contract (README, "The contract"). The table below is the
// contract written as data: an edit of the spec that breaks it fails here, naming the field or status.
import { describe, expect, it } from "vitest";
import { deref, flatten, loadSpec, operation, type ParameterObject, responses } from "./support/spec.js";

const contract = {
  path: "/customer",
  method: "post",
  operationId: "createCustomer",
  summary: "Create a new customer",
  requestFields: [
    "customNonSearchableCustomerFieldOne",
    "customNonSearchableCustomerFieldTwo",
    "customSearchableCustomerFieldOne",
    "customSearchableCustomerFieldTwo",
  ],
  // Plain optional strings, as the vendor types them on createCustomer: no format, pattern or enum of ours.
  headers: ["x-sf-user-email", "x-sf-initiative", "x-sf-company-id"],
  apiKeyHeader: "Authorization",
  mediaTypes: ["application/json", "text/plain"],
  statuses: ["201", "400", "401", "406", "413", "422", "500"],
  plainErrorStatuses: ["401", "406", "413", "500"],
  errorCodes: {
    "400": ["invalid_payload", "invalid_field"],
    "401": ["invalid_api_key"],
    "406": ["not_acceptable"],
    "413": ["payload_too_large"],
    "422": ["field_validation_error"],
    "500": ["unexpected_error"],
  } as Record<string, string[]>,
};

const spec = loadSpec();
const op = operation(spec);
const byStatus = responses(spec);
const json = (status: string) => flatten(spec, byStatus[status]!.content["application/json"]!.schema);

describe("operation", () => {
  it(`is ${contract.method.toUpperCase()} ${contract.path}, ${contract.operationId}, "${contract.summary}"`, () => {
    expect(spec.paths[contract.path]?.[contract.method]).toBeDefined();
    expect(op.operationId).toBe(contract.operationId);
    expect(op.summary).toBe(contract.summary);
  });

  it(`is protected by an API key in the ${contract.apiKeyHeader} header`, () => {
    const [schemeName] = Object.keys(spec.security[0]);
    expect(spec.components.securitySchemes[schemeName!]).toMatchObject({ type: "apiKey", in: "header", name: contract.apiKeyHeader });
  });
});

describe("request body", () => {
  const body = flatten(spec, op.requestBody.content["application/json"].schema);

  it("is a required JSON object that allows no other property", () => {
    expect(op.requestBody.required).toBe(true);
    expect(Object.keys(op.requestBody.content)).toEqual(["application/json"]);
    expect(body.type).toBe("object");
    expect(body.closed).toBe(true);
  });

  it.each(contract.requestFields)("has the optional string field %s", (field) => {
    expect(body.properties[field], `${field} is missing from the request body`).toBeDefined();
    expect(body.properties[field]!.type).toBe("string");
    expect(body.required).not.toContain(field);
  });

  it("has no field beyond the contract's", () => {
    expect(Object.keys(body.properties).sort()).toEqual([...contract.requestFields].sort());
  });
});

describe("request headers", () => {
  const headers = (op.parameters as unknown[]).map((p) => deref<ParameterObject>(spec, p)).filter((p) => p.in === "header");

  it.each(contract.headers)("has the optional plain string header %s", (name) => {
    const header = headers.find((h) => h.name === name);
    expect(header, `${name} is missing`).toBeDefined();
    expect(header!.required ?? false).toBe(false);
    expect(header!.schema).toEqual({ type: "string" });
  });

  it("has no header beyond the contract's", () => {
    expect(headers.map((h) => h.name).sort()).toEqual([...contract.headers].sort());
  });
});

describe("responses", () => {
  it("are exactly the contract's statuses", () => {
    expect(Object.keys(byStatus).sort()).toEqual(contract.statuses);
  });

  it.each(contract.statuses.filter((s) => s !== "406"))("%s is offered as application/json and text/plain", (status) => {
    expect(Object.keys(byStatus[status]!.content).sort()).toEqual(contract.mediaTypes);
    expect(deref<{ type: string }>(spec, byStatus[status]!.content["text/plain"]!.schema).type).toBe("string");
  });

  it("406 is offered as application/json only (a text/plain answer would have been acceptable)", () => {
    expect(Object.keys(byStatus["406"]!.content)).toEqual(["application/json"]);
  });

  it("201 is a Customer: id* and url* (uri) and the four custom fields as stored", () => {
    const customer = json("201");
    expect(customer.closed).toBe(true);
    expect(customer.required.sort()).toEqual(["id", "url"]);
    expect(customer.properties.id!.type).toBe("string");
    expect(customer.properties.url).toMatchObject({ type: "string", format: "uri" });
    expect(Object.keys(customer.properties).sort()).toEqual(["id", "url", ...contract.requestFields].sort());
    for (const field of contract.requestFields) expect(customer.properties[field]!.type, field).toBe("string");
    expect(flatten(spec, byStatus["201"]!.content["text/plain"]!.schema).format).toBe("uri");
  });

  it.each(contract.plainErrorStatuses)("%s is {error*, message*} and nothing else", (status) => {
    const error = json(status);
    expect(error.closed).toBe(true);
    expect(Object.keys(error.properties).sort()).toEqual(["error", "message"]);
    expect(error.required.sort()).toEqual(["error", "message"]);
  });

  it("400 is {error*, message*, fields?} where fields is ONE {name*, errorMessage*} object", () => {
    const error = json("400");
    expect(error.closed).toBe(true);
    expect(error.required.sort()).toEqual(["error", "message"]);
    expect(Object.keys(error.properties).sort()).toEqual(["error", "fields", "message"]);
    expect(error.properties.fields!.type).toBe("object");
    expect(error.properties.fields!.required.sort()).toEqual(["errorMessage", "name"]);
  });

  it("422 is {error*, message*, fields*} where fields is an ARRAY of {name*, errorMessage*}", () => {
    const error = json("422");
    expect(error.closed).toBe(true);
    expect(error.required.sort()).toEqual(["error", "fields", "message"]);
    expect(error.properties.fields!.type).toBe("array");
    expect(error.properties.fields!.items!.required.sort()).toEqual(["errorMessage", "name"]);
  });

  it.each(Object.entries(contract.errorCodes))("%s lists its error codes in an enum: %j", (status, codes) => {
    expect(json(status).properties.error!.enum).toEqual(codes);
  });

  it.each(contract.statuses)("%s has a named example for each media type", (status) => {
    for (const [mediaType, media] of Object.entries(byStatus[status]!.content)) {
      expect(Object.keys(media.examples ?? {}).length, `${status} ${mediaType}`).toBeGreaterThan(0);
    }
  });
});
