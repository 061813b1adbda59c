// The generated client with an injected fetch: what it sends, and how it shapes what comes back.
import { describe, expect, it } from "vitest";
import { createClient, UnexpectedResponseError } from "../generated/client.js";
import { searchableOne } from "./support/fields.js";

function recordingFetch(status: number, body: string, contentType: string) {
  const requests: Request[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    requests.push(new Request(input, init));
    return new Response(body, { status, headers: { "Content-Type": contentType } });
  };
  return { fetch, requests };
}

const customer = { id: "c1", url: "https://crm.test/agent/customers/c1", [searchableOne]: "a" };

describe("createCustomer request", () => {
  it("posts the JSON body to /customer with the API key, Accept and the Khoros headers", async () => {
    const { fetch, requests } = recordingFetch(201, JSON.stringify(customer), "application/json");
    const client = createClient({ baseUrl: "http://crm.test/api/", apiKey: "secret-1", fetch });
    await client.createCustomer(
      { [searchableOne]: "a" },
      { headers: { "x-sf-user-email": "not an email", "x-sf-company-id": "" } },
    );
    const [request] = requests;
    expect(request!.method).toBe("POST");
    expect(request!.url).toBe("http://crm.test/api/customer");
    expect(request!.headers.get("authorization")).toBe("secret-1");
    expect(request!.headers.get("accept")).toBe("application/json");
    expect(request!.headers.get("content-type")).toBe("application/json");
    expect(request!.headers.get("x-sf-user-email")).toBe("not an email");
    expect(request!.headers.get("x-sf-company-id")).toBe("");
    expect(request!.headers.has("x-sf-initiative")).toBe(false);
    expect(await request!.json()).toEqual({ [searchableOne]: "a" });
  });

  it("asks for text/plain when told to", async () => {
    const { fetch, requests } = recordingFetch(201, customer.url, "text/plain");
    const client = createClient({ baseUrl: "http://crm.test", apiKey: "k", fetch });
    await client.createCustomer({}, { accept: "text/plain" });
    expect(requests[0]!.headers.get("accept")).toBe("text/plain");
  });
});

describe("createCustomer result", () => {
  it("carries the parsed Customer on 201", async () => {
    const client = createClient({
      baseUrl: "http://crm.test",
      apiKey: "k",
      ...recordingFetch(201, JSON.stringify(customer), "application/json"),
    });
    const result = await client.createCustomer({});
    expect(result).toMatchObject({ status: 201, data: customer });
  });

  it("carries the parsed error body on a documented error status", async () => {
    const body = { error: "field_validation_error", message: "m", fields: [{ name: "x", errorMessage: "y" }] };
    const client = createClient({
      baseUrl: "http://crm.test",
      apiKey: "k",
      ...recordingFetch(422, JSON.stringify(body), "application/json"),
    });
    const result = await client.createCustomer({});
    expect(result).toMatchObject({ status: 422, data: body });
  });

  it("returns plain-text bodies as the exact text, even when the text looks like JSON", async () => {
    const client = createClient({
      baseUrl: "http://crm.test",
      apiKey: "k",
      ...recordingFetch(400, "42", "text/plain"),
    });
    const result = await client.createCustomer({}, { accept: "text/plain" });
    expect(result).toMatchObject({ status: 400, data: "42" });
  });

  it("throws UnexpectedResponseError on a status the spec does not document", async () => {
    const client = createClient({
      baseUrl: "http://crm.test",
      apiKey: "k",
      ...recordingFetch(404, '{"error":"not_found"}', "application/json"),
    });
    const failure = await client.createCustomer({}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnexpectedResponseError);
    expect(failure).toMatchObject({ status: 404, body: { error: "not_found" } });
  });
});

describe("the other operations' shapes", () => {
  it(
    "fills path parameters, sends integer headers (bigints too) as text, " + "and the key on every secured operation",
    async () => {
      const { fetch, requests } = recordingFetch(200, JSON.stringify(customer), "application/json");
      const client = createClient({ baseUrl: "http://crm.test", apiKey: "k", fetch });
      await client.findCustomer({
        path: { id: "cus 1/2" },
        headers: { "x-sf-initiative": 9223372036854775807n, "x-sf-company-id": 7 },
      });
      const [request] = requests;
      expect([request!.method, request!.url]).toEqual(["GET", "http://crm.test/customer/cus%201%2F2"]);
      expect([
        request!.headers.get("x-sf-initiative"),
        request!.headers.get("x-sf-company-id"),
        request!.headers.get("authorization"),
      ]).toEqual(["9223372036854775807", "7", "k"]);
    },
  );

  it("gives a 204 as a result without data", async () => {
    const client = createClient({
      baseUrl: "http://crm.test",
      apiKey: "k",
      fetch: async () => new Response(null, { status: 204 }),
    });
    const result = await client.searchCustomers({ [searchableOne]: "nobody" });
    expect([result.status, result.data]).toEqual([204, undefined]);
  });

  it("gives a list as an array in JSON and as the text (one url per line) in text/plain", async () => {
    const list = [customer, { ...customer, id: "c2", url: "https://crm.test/agent/customers/c2" }];
    const json = createClient({
      baseUrl: "http://crm.test",
      apiKey: "k",
      ...recordingFetch(200, JSON.stringify(list), "application/json"),
    });
    expect((await json.bestmatchCustomers({ screenName: "@a" })).data).toEqual(list);
    const lines = list.map((c) => c.url).join("\n");
    const text = createClient({ baseUrl: "http://crm.test", apiKey: "k", ...recordingFetch(200, lines, "text/plain") });
    expect((await text.bestmatchCustomers({ screenName: "@a" }, { accept: "text/plain" })).data).toBe(lines);
  });
});
