// The generated client with an injected fetch: what it sends, and how it shapes what comes back.
import { describe, expect, it } from "vitest";
import { createClient, UnexpectedResponseError } from "../generated/client.js";

function recordingFetch(status: number, body: string, contentType: string) {
  const requests: Request[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    requests.push(new Request(input, init));
    return new Response(body, { status, headers: { "Content-Type": contentType } });
  };
  return { fetch, requests };
}

const customer = { id: "c1", url: "https://crm.test/agent/customers/c1", customSearchableCustomerFieldOne: "a" };

describe("createCustomer request", () => {
  it("posts the JSON body to /customer with the API key, Accept and the Khoros headers", async () => {
    const { fetch, requests } = recordingFetch(201, JSON.stringify(customer), "application/json");
    const client = createClient({ baseUrl: "http://crm.test/api/", apiKey: "secret-1", fetch });
    await client.createCustomer(
      { customSearchableCustomerFieldOne: "a" },
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
    expect(await request!.json()).toEqual({ customSearchableCustomerFieldOne: "a" });
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
    const client = createClient({ baseUrl: "http://crm.test", apiKey: "k", ...recordingFetch(201, JSON.stringify(customer), "application/json") });
    const result = await client.createCustomer({});
    expect(result).toMatchObject({ status: 201, data: customer });
  });

  it("carries the parsed error body on a documented error status", async () => {
    const body = { error: "field_validation_error", message: "m", fields: [{ name: "x", errorMessage: "y" }] };
    const client = createClient({ baseUrl: "http://crm.test", apiKey: "k", ...recordingFetch(422, JSON.stringify(body), "application/json") });
    const result = await client.createCustomer({});
    expect(result).toMatchObject({ status: 422, data: body });
  });

  it("returns plain-text bodies as the exact text, even when the text looks like JSON", async () => {
    const client = createClient({ baseUrl: "http://crm.test", apiKey: "k", ...recordingFetch(400, "42", "text/plain") });
    const result = await client.createCustomer({}, { accept: "text/plain" });
    expect(result).toMatchObject({ status: 400, data: "42" });
  });

  it("throws UnexpectedResponseError on a status the spec does not document", async () => {
    const client = createClient({ baseUrl: "http://crm.test", apiKey: "k", ...recordingFetch(404, '{"error":"not_found"}', "application/json") });
    const failure = await client.createCustomer({}).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UnexpectedResponseError);
    expect(failure).toMatchObject({ status: 404, body: { error: "not_found" } });
  });
});
