// The bundled spec's records against the custom-CRM contract (guide/contract.md): a Customer, a Case,
// what Khoros may send them (2.2.0) and the custom fields declared once. A golden copy, as the operations'
// table in fidelity.test.ts: an edit of the spec that breaks it fails here, naming the record or field.
import { describe, expect, it } from "vitest";
import { objectStructures } from "../generated/server.js";
import { caseFields, customerFields } from "./support/custom-fields.js";
import { firstExample, type FlatSchema, model } from "./support/spec.js";

const flat = (name: string) => model.flatten(model.schemas()[name]);
/** The resolved request body of an operation. */
const requestBody = (operationId: string) => model.flatten(model.requestSchema(model.operation(operationId)));

describe("the records", () => {
  it("a Customer is {id*, url* (uri)} and the custom fields, nothing else", () => {
    const customer = flat("Customer");
    expect(customer.closed).toBe(true);
    expect(customer.required.sort()).toEqual(["id", "url"]);
    expect(customer.properties.url).toMatchObject({ type: "string", format: "uri" });
    expect(Object.keys(customer.properties).sort()).toEqual(["id", "url", ...customerFields].sort());
  });

  it(
    "a Case has the vendor's required fields, a status open or closed, date-times, ordered interactions and the " +
      "custom fields",
    () => {
      const crmCase = flat("Case");
      const { created, lastUpdated, interactions, status, url } = crmCase.properties;
      expect(crmCase.closed).toBe(true);
      expect(crmCase.required.sort()).toEqual([
        "created",
        "customerId",
        "description",
        "id",
        "lastUpdated",
        "number",
        "status",
        "title",
        "url",
      ]);
      expect(status!.enum).toEqual(["open", "closed"]);
      expect([created!.format, lastUpdated!.format]).toEqual(["date-time", "date-time"]);
      expect(url!.format).toBeUndefined(); // the vendor gives the case's url no uri format
      expect(interactions!.items!.required.sort()).toEqual([
        "body",
        "contentType",
        "created",
        "linkUrl",
        "service",
        "serviceId",
      ]);
      expect(Object.keys(crmCase.properties)).toEqual(expect.arrayContaining(caseFields));
    },
  );

  it(
    "bestmatch takes accountNumbers as a string or a list of strings (the vendor types one, describes the other), " +
      "or null",
    () => {
      const accountNumbers = requestBody("bestmatchCustomers").properties.accountNumbers!;
      expect(accountNumbers.oneOf!.map((option) => [option.type, option.items?.type])).toEqual([
        ["string", undefined],
        ["array", "string"],
        ["null", undefined],
      ]);
    },
  );
});

describe("Khoros's tolerance (2.2.0)", () => {
  /** The schema of a request body's property, by a dotted path through objects and array items. */
  const at = (operationId: string, path: string) =>
    path.split(".").reduce((node, name) => {
      const option = node.oneOf?.find((o) => o.type !== "null") ?? node;
      return (option.items ?? option).properties[name]!;
    }, requestBody(operationId));
  const nullable = (schema: FlatSchema) =>
    [schema.type].flat().includes("null") || (schema.oneOf ?? []).some((o) => o.type === "null");
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
    const filled = [
      ["createCase", "interactions"],
      ["updateCase", "interactions.author"],
      ["bestmatchCustomers", "addresses"],
    ] as const;
    for (const [operationId, path] of filled) {
      expect(objectOf(at(operationId, path)).closed, `${operationId} ${path}`).toBe(false);
    }
  });

  it('an interaction requires what the vendor requires, and not linkUrl ("when available")', () => {
    expect(objectOf(at("createCase", "interactions")).required.sort()).toEqual([
      "body",
      "contentType",
      "created",
      "service",
      "serviceId",
    ]);
    expect(objectOf(at("createCase", "interactions.author")).required.sort()).toEqual([
      "brandOwned",
      "handle",
      "name",
      "service",
      "serviceId",
    ]);
  });

  it("createCase names its customer by customerId or customId, one of them required", () => {
    const body = requestBody("createCase");
    const alternatives = body.anyOf!.map((choice) => choice.map((option) => option.required));
    expect(alternatives).toEqual([[["customerId"], ["customId"]]]);
  });

  it("what the CRM answers did not widen: a Case's interactions and their authors are as before", () => {
    const interaction = flat("Case").properties.interactions!.items!;
    expect(interaction.closed).toBe(true);
    expect(interaction.properties.linkUrl!.type).toBe("string");
    expect(interaction.properties.author!.closed).toBe(true);
  });
});

describe("custom fields, declared once", () => {
  it("each carries x-searchable, x-label and x-field-type; the meta operation's response is made from them", () => {
    expect(Object.keys(objectStructures).sort()).toEqual(["case", "customer"]);
    expect(objectStructures.customer.fields.map((f) => f.name)).toEqual(customerFields);
    expect(objectStructures.case.fields.map((f) => f.name)).toEqual(caseFields);
    // only customer fields are searchable
    expect(objectStructures.case.fields.every((f) => !f.searchable)).toBe(true);
  });

  it("the searchCustomers body is the searchable customer fields", () => {
    const searchable = objectStructures.customer.fields.filter((f) => f.searchable).map((f) => f.name);
    expect(Object.keys(requestBody("searchCustomers").properties)).toEqual(searchable);
  });

  it("the meta operation's examples are exactly what the spec's fields generate", () => {
    const answer = model.response(model.operation("defineObjectStructures"), 200)!.content;
    const examples = answer["application/json"]!.examples;
    expect(Object.values(examples).map((example) => model.example(example))).toEqual([
      objectStructures.customer,
      objectStructures.case,
    ]);
    expect(firstExample(answer["text/plain"]!)).toBe(objectStructures.customer.fields.map((f) => f.name).join("\n"));
  });
});
