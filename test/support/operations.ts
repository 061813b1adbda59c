// What a valid call of each operation needs beyond its schema: the records it names (they must exist), and
// the statuses such a call may get. The schema's part (bodies, headers) is generated from the spec; this
// table holds only the semantics no schema states. A test fails if an operation is missing here.
import type { Handlers } from "../../generated/server.js";
import { apiKeys } from "./server.js";
import { searchableOne } from "./fields.js";

/** Records that exist on the server under test. */
export interface World {
  customerId: string;
  caseId: string;
}

export interface OperationNeeds {
  /** The path parameters of a valid call. */
  path?: (world: World) => Record<string, string>;
  /** Makes a schema-valid body valid for the server too (a customer that exists, a search criterion). */
  fixBody?: (body: Record<string, unknown>, world: World) => Record<string, unknown>;
  /** The statuses a valid call may get. */
  success: number[];
}

/** A case body whose customerId and customId, where they hold one, name the world's customer. */
function namingCustomer(body: Record<string, unknown>, world: World): Record<string, unknown> {
  const named = Object.entries(body).map(([name, value]) => [
    name,
    (name === "customerId" || name === "customId") && typeof value === "string" ? world.customerId : value,
  ]);
  return Object.fromEntries(named);
}

export const operationNeeds: Record<keyof Handlers, OperationNeeds> = {
  createCustomer: { success: [201] },
  searchCustomers: { success: [200, 204] },
  bestmatchCustomers: { success: [200] },
  findCustomer: { path: (w) => ({ id: w.customerId }), success: [200] },
  updateCustomer: { path: (w) => ({ id: w.customerId }), success: [201] },
  findCases: { path: (w) => ({ id: w.customerId }), success: [200] },
  createCase: { fixBody: (body, w) => namingCustomer(body, w), success: [201] },
  lookupCase: { path: (w) => ({ id: w.caseId }), success: [200] },
  updateCase: {
    path: (w) => ({ id: w.caseId }),
    fixBody: (body, w) => namingCustomer(body, w), // a case keeps its customer: only its own may be named
    success: [201],
  },
  defineObjectStructures: { path: () => ({ type: "customer" }), success: [200] },
};

/** A request as the tests send it. */
export interface HttpCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** `/customer/{id}` with `{ id: "c 1" }` → `/customer/c%201`. */
export const fillPath = (template: string, values: Record<string, string> = {}) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ""));

/** Creates a customer and a case on the server at `baseUrl`, for the calls that name them. */
export async function makeWorld(baseUrl: string): Promise<World> {
  const headers = { Authorization: apiKeys.primary, "Content-Type": "application/json" };
  const customer = (await (
    await fetch(`${baseUrl}/customer`, {
      method: "POST",
      headers,
      body: JSON.stringify({ [searchableOne]: "@world" }),
    })
  ).json()) as { id: string };
  const body = JSON.stringify({ customerId: customer.id, title: "A case of the world" });
  const crmCase = (await (await fetch(`${baseUrl}/case`, { method: "POST", headers, body })).json()) as { id: string };
  return { customerId: customer.id, caseId: crmCase.id };
}

/** Sends a call and reads the answer whole. */
export async function send(baseUrl: string, call: HttpCall) {
  const response = await fetch(`${baseUrl}${call.path}`, {
    method: call.method,
    headers: call.headers,
    body: call.body,
  });
  const text = await response.text();
  const mediaType = (response.headers.get("content-type") ?? "").split(";")[0]!;
  return {
    status: response.status,
    headers: response.headers,
    text,
    mediaType,
    body: mediaType === "application/json" ? (JSON.parse(text) as unknown) : text,
  };
}
