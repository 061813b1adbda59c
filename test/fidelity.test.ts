// The bundled spec's operations against the custom-CRM contract (guide/contract.md). Its table
// (support/fidelity-contract.ts) is the contract written as data, a golden copy of the vendor's facts and the
// kit's decisions: an edit of the spec that breaks it fails here, naming the operation, field or status. The
// records, Khoros's tolerance and the custom fields are held to it in fidelity-records.test.ts.
import { describe, expect, it } from "vitest";
import { contract } from "./support/fidelity-contract.js";
import { type FlatSchema, model } from "./support/spec.js";

const schemas = model.schemas();
const flat = (name: string) => model.flatten(schemas[name]);
/** The resolved JSON schema of an operation's status. */
const json = (operationId: string, status: number) =>
  model.flatten(model.response(model.operation(operationId), status)!.content["application/json"]!.schema);
const sameShape = (a: FlatSchema, b: FlatSchema) => expect(JSON.stringify(a)).toBe(JSON.stringify(b));

describe("the operations", () => {
  it("are exactly the contract's ten, each protected by the Authorization value", () => {
    expect(model.operations.map((op) => op.operationId).sort()).toEqual(Object.keys(contract).sort());
    for (const op of model.operations) {
      const scheme = expect.objectContaining({ type: "apiKey", in: "header", name: "Authorization" });
      expect(model.securitySchemes(op), op.operationId).toEqual([[{ id: "AuthHeaderValue", scheme }]]);
    }
    for (const op of model.operations) expect(model.apiKeyHeaders(op), op.operationId).toEqual(["Authorization"]);
  });
});

describe.each(Object.entries(contract))("%s", (operationId, c) => {
  const op = model.operation(operationId);

  it(`is ${c.method} ${c.path}, "${c.summary}", tagged ${c.tag}`, () => {
    expect([op.method, op.path, op.summary, op.tags]).toEqual([c.method, c.path, c.summary, [c.tag]]);
  });

  it("has the vendor's optional headers, typed as the vendor types them, without a format, pattern or enum", () => {
    const headers = op.parameters.filter((p) => p.in === "header");
    expect(Object.fromEntries(headers.map((h) => [h.name, model.flatten(h.schema).type]))).toEqual(c.headers);
    for (const header of headers) {
      expect(header.required, header.name).toBe(false);
      const schema = model.flatten(header.schema);
      expect([schema.pattern, schema.enum], header.name).toEqual([undefined, undefined]);
      expect(schema.format, header.name).toBe(schema.type === "integer" ? "int64" : undefined);
    }
    const pathParameters = op.parameters.filter((p) => p.in === "path");
    expect(pathParameters.map((p) => [p.name, model.flatten(p.schema).type])).toEqual(
      c.pathParameters.map((n) => [n, "string"]),
    );
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
    const text = response.content["text/plain"];
    if (text) expect(model.flatten(text.schema).type).toBe("string");
    const body = json(operationId, Number(status));
    if (typeof answer === "string") {
      const [name, list] = answer.split("[]");
      if (list !== undefined) return sameShape(body.items!, flat(name!));
      return sameShape(body, flat(name!));
    }
    expect(body.closed).toBe(true);
    expect(body.properties.error!.enum).toEqual(answer.codes);
    const withFields = answer.fields === "list" && status === "422";
    expect(body.required.sort()).toEqual(withFields ? ["error", "fields", "message"] : ["error", "message"]);
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
