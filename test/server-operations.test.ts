// Every operation's shape as the runtime serves it: path parameters, HEAD, 204, text/plain lists, literal
// and templated paths, the methods a path has, integer headers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorBody } from "../generated/server.js";
import { call } from "./support/server-call.js";
import { model } from "./support/spec.js";
import { apiKeys, publicUrl, startTestServer, type TestServer } from "./support/server.js";
import { searchableOne } from "./support/fields.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe("every operation's shape, as the runtime serves it", () => {
  const get = (path: string, headers: Record<string, string> = {}, method = "GET") =>
    fetch(`${server.url}${path}`, { method, headers: { Authorization: apiKeys.primary, ...headers } });
  const newCustomer = async () => (await server.store.createCustomer({ [searchableOne]: "@shape" })).id;

  it("a path parameter declared on the path item reaches the handler, decoded", async () => {
    const id = await newCustomer();
    expect(await (await get(`/customer/${id}`)).json()).toMatchObject({ id });
    const odd = await get("/customer/cus%20x%2Fy");
    expect([odd.status, await odd.json()]).toEqual([404, errorBody("customerNotFound", { id: "cus x/y" })]);
  });

  it("HEAD is served by GET: the same status and headers, no body", async () => {
    const id = await newCustomer();
    const [head, full] = [await get(`/customer/${id}`, {}, "HEAD"), await get(`/customer/${id}`)];
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(full.headers.get("content-length"));
    expect(await head.text()).toBe("");
  });

  it("a 204 has no body and no Content-Type, whatever Accept asks", async () => {
    for (const accept of ["application/json", "text/plain"]) {
      const reply = await call(server, {
        path: "/customers",
        accept,
        body: JSON.stringify({ [searchableOne]: "nobody at all" }),
      });
      expect([reply.status, reply.text, reply.headers.get("content-type")]).toEqual([204, "", null]);
    }
  });

  it("a list in text/plain is one url per line; the meta operation's, one field name per line", async () => {
    const ids = [await newCustomer(), await newCustomer()];
    const list = await call(server, {
      path: "/customers",
      accept: "text/plain",
      body: JSON.stringify({ [searchableOne]: "@SHAPE" }),
    });
    expect(list.text.split("\n").slice(0, 2)).toEqual(ids.reverse().map((id) => `${publicUrl}/agent/customers/${id}`));
    const meta = await get("/meta/object/customer", { Accept: "text/plain" });
    expect((await meta.text()).split("\n")).toEqual(model.customFields().customer!.map((f) => f.name));
  });

  it("a literal path wins over a templated one, and a method it lacks falls through to the templated one", async () => {
    const bestmatch = await call(server, { path: "/customer/bestmatch", body: "{}" });
    expect([bestmatch.status, bestmatch.text]).toEqual([200, "[]"]);
    const asId = await get("/customer/bestmatch");
    expect([asId.status, await asId.json()]).toEqual([404, errorBody("customerNotFound", { id: "bestmatch" })]);
  });

  it("an unknown method gets 405 with every method the path has, HEAD with GET", async () => {
    const reply = await get("/customer/cus_x", {}, "DELETE");
    expect([reply.status, reply.headers.get("allow")]).toEqual([405, "GET, HEAD, PATCH"]);
    expect(await reply.json()).toEqual(
      errorBody("methodNotAllowed", { path: "/customer/cus_x", method: "DELETE", allowed: "GET, HEAD or PATCH" }),
    );
  });

  it(
    "an integer header reaches the handler as a number, " + "or as an exact bigint beyond JavaScript's safe integers",
    async () => {
      const seen: unknown[] = [];
      const recording = await startTestServer({
        handlers: {
          findCustomer: ({ headers, path }) => {
            seen.push(headers["x-sf-initiative"], headers["x-sf-company-id"]);
            const message = `No customer has the id ${path.id}.`;
            return { status: 404, body: { error: "customer_not_found", message } };
          },
        },
      });
      try {
        const headers = {
          Authorization: apiKeys.primary,
          "x-sf-initiative": "9223372036854775807",
          "x-sf-company-id": "-42",
        };
        expect((await fetch(`${recording.url}/customer/c1`, { headers })).status).toBe(404);
        expect(seen).toEqual([9223372036854775807n, -42]);
      } finally {
        await recording.close();
      }
    },
  );

  it("an integer header that is not one: 400 naming it where the operation has no 422, 422 where it has", async () => {
    const id = await newCustomer();
    const findCustomer = await get(`/customer/${id}`, { "x-sf-company-id": "12.5" });
    expect([findCustomer.status, await findCustomer.json()]).toEqual([
      400,
      { error: "invalid_field", message: "x-sf-company-id must be an integer." },
    ]);
    const tooBig = await get(`/customer/${id}`, { "x-sf-initiative": "9223372036854775808" });
    expect(await tooBig.json()).toEqual({
      error: "invalid_field",
      message: "x-sf-initiative must be an integer from -9223372036854775808 to 9223372036854775807.",
    });
    const empty = await get(`/customer/${id}`, { "x-sf-company-id": "" });
    expect(empty.status).toBe(200); // an empty integer header is read as not sent, as Khoros may send it
    const lookupCase = await get("/case/case_x", { "x-sf-company-id": "acme" });
    expect([lookupCase.status, await lookupCase.json()]).toEqual([
      422,
      {
        error: "field_validation_error",
        message: "x-sf-company-id must be an integer.",
        fields: [{ name: "x-sf-company-id", errorMessage: "x-sf-company-id must be an integer." }],
      },
    ]);
  });
});
