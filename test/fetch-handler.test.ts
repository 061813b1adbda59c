// The server as a Web-standard fetch handler (src/fetch-transport.ts): the same answers as on node:http for
// every rule, with Node's own Request and Response; a body over the limit refused while it streams; HEAD;
// the sandbox; and a run with code generation from strings forbidden, as edge runtimes forbid it.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFetchHandler } from "../generated/server.js";
import { createHandlers } from "../reference-crm/handlers.js";
import { createSandbox } from "../reference-crm/sandbox.js";
import { MemoryCrmStore } from "../reference-crm/stores/memory.js";
import { defaultBodyLimit } from "../src/response.js";
import { projectRoot } from "../scripts/shared/paths.js";
import { apiKeys, publicUrl, startTestServer, type TestServer } from "./support/server.js";
import { searchableOne } from "./support/fields.js";

const handle = createFetchHandler({
  handlers: createHandlers({ store: new MemoryCrmStore(), publicUrl }),
  apiKeys,
  validateResponses: true,
});
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

const json = { Authorization: apiKeys.primary, "Content-Type": "application/json" };
/** The same call on node:http and through the fetch handler. */
const calls: [name: string, path: string, init: RequestInit][] = [
  ["a create", "/customer", { method: "POST", headers: json, body: JSON.stringify({ [searchableOne]: "@x" }) }],
  ["a create in text/plain", "/customer", { method: "POST", headers: { ...json, Accept: "text/plain" }, body: "{}" }],
  ["no key", "/customer", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }],
  ["an unknown property", "/customer", { method: "POST", headers: json, body: '{"favouriteColour":"teal"}' }],
  ["a wrong type", "/customer", { method: "POST", headers: json, body: JSON.stringify({ [searchableOne]: 4 }) }],
  ["malformed JSON", "/customer", { method: "POST", headers: json, body: '{"a":' }],
  ["an unsatisfiable Accept", "/customer", { method: "POST", headers: { ...json, Accept: "image/png" }, body: "{}" }],
  ["an unknown id", "/customer/cus_none", { headers: json }],
  ["an empty search", "/customers", { method: "POST", headers: json, body: "{}" }],
  ["an unknown path", "/nowhere", { headers: json }],
  ["a wrong method", "/customer", { method: "DELETE", headers: json }],
];
const comparable = (status: number, headers: Headers, text: string) => ({
  status,
  contentType: headers.get("content-type"),
  allow: headers.get("allow"),
  nosniff: headers.get("x-content-type-options"),
  // ids and urls differ between the two servers; the rest of the body must not
  body: text.replace(/cus_[0-9a-f]{32}/g, "cus_…").replace(/http:\/\/[^/"]+/g, "…"),
});

describe("the fetch handler", () => {
  it.each(calls)("answers %s as node:http does", async (_name, path, init) => {
    const [viaNode, viaFetch] = await Promise.all([
      fetch(`${server.url}${path}`, init),
      handle(new Request(`http://crm.test${path}`, init)),
    ]);
    expect(viaFetch.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(comparable(viaFetch.status, viaFetch.headers, await viaFetch.text())).toEqual(
      comparable(viaNode.status, viaNode.headers, await viaNode.text()),
    );
  });

  it("refuses a body over the limit with 413 while it streams, without reading it all", async () => {
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.length;
        if (pulled > 16 * defaultBodyLimit) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const response = await handle(
      new Request("http://crm.test/customer", { method: "POST", headers: json, body, duplex: "half" } as RequestInit),
    );
    expect([response.status, await response.json()]).toEqual([
      413,
      { error: "payload_too_large", message: "The request body is larger than 1 MiB." },
    ]);
    expect(pulled).toBeLessThan(2 * defaultBodyLimit);
  });

  it("answers HEAD as GET, without a body", async () => {
    const response = await handle(
      new Request("http://crm.test/meta/object/customer", { method: "HEAD", headers: json }),
    );
    expect([response.status, response.headers.get("content-type"), await response.text()]).toEqual([
      200,
      "application/json; charset=utf-8",
      "",
    ]);
  });
});

describe("the sandbox", () => {
  it("keeps what it is sent: a case filed for a customer is listed under it", async () => {
    const sandbox = createSandbox({ url: "https://crm.sandbox.test/api/v1" });
    const post = (path: string, body: unknown) =>
      sandbox.fetch(`${sandbox.url}${path}`, {
        method: "POST",
        headers: { Authorization: sandbox.apiKey, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
    const customer = (await (await post("/customer", {})).json()) as { id: string; url: string };
    expect(customer.url).toBe(`https://crm.sandbox.test/api/v1/agent/customers/${customer.id}`);
    const crmCase = (await (await post("/case", { customId: customer.id, title: "Broken order" })).json()) as {
      id: string;
    };
    const listed = await sandbox.fetch(`${sandbox.url}/customer/${customer.id}/cases`, {
      headers: { Authorization: sandbox.apiKey },
    });
    expect(((await listed.json()) as { id: string }[]).map((c) => c.id)).toEqual([crmCase.id]);
    expect((await sandbox.store.getCustomer(customer.id))?.id).toBe(customer.id);
  });
});

describe("where code generation from strings is forbidden (as in edge runtimes)", () => {
  it("serves every rule: the validators were compiled when the code was generated", async () => {
    // The compiled package (npm test builds it first), as a deployment would load it.
    const bodies = [JSON.stringify({ [searchableOne]: "@x" }), JSON.stringify({ [searchableOne]: 4 }), '{"x":1}'];
    const script = `
      let refused = false;
      try { new Function("return 1"); } catch { refused = true; }
      const { createSandbox } = await import("khoros-crm-kit/sandbox");
      const sandbox = createSandbox();
      const headers = { Authorization: sandbox.apiKey, "Content-Type": "application/json" };
      const post = (body) => sandbox.fetch(sandbox.url + "/customer", { method: "POST", headers, body });
      const statuses = [];
      const bodies = ${JSON.stringify(bodies)};
      for (const body of bodies) statuses.push((await post(body)).status);
      console.log(JSON.stringify({ refused, statuses }));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--disallow-code-generation-from-strings", "--input-type=module", "-e", script],
      { cwd: projectRoot },
    );
    expect(JSON.parse(stdout)).toEqual({ refused: true, statuses: [201, 422, 400] });
  });
});
