// Benchmark comparison (c): Fastify, what an integrator might pick instead, doing the same work as the
// stub server: the spec's schemas on each route (read through the spec model), the same API-key check,
// createCustomer in memory, findCustomer and searchCustomers on the reference CRM's SQLite store in DATA_DIR.
import { createHash, timingSafeEqual } from "node:crypto";
import type { AddressInfo } from "node:net";
import Fastify from "fastify";
import { errorBody } from "../../generated/server.js";
import { createHandlers } from "../../reference-crm/handlers.js";
import { SqliteCrmStore } from "../../reference-crm/stores/sqlite.js";
import { MemoryCrmStore } from "../../reference-crm/stores/memory.js";
import { type FlatSchema, type Schema, SpecModel } from "../shared/spec-model.js";

const model = SpecModel.load();

/** A resolved schema as plain draft-07, which Fastify's default Ajv and its serializer read the same way. */
function draft07({ type, format, enum: values, properties, required, closed, items }: FlatSchema): Schema {
  const schema: Schema = { type };
  if (format) schema.format = format;
  if (values) schema.enum = values;
  if (type === "object") {
    schema.properties = Object.fromEntries(Object.entries(properties).map(([name, child]) => [name, draft07(child)]));
    schema.required = required;
    if (closed) schema.additionalProperties = false;
  }
  if (items) schema.items = draft07(items);
  return schema;
}

const bodyOf = (operationId: string) => draft07(model.flatten(model.requestSchema(model.operation(operationId))));
const responseOf = (operationId: string, status: number) =>
  draft07(model.flatten(model.response(model.operation(operationId), status)!.content["application/json"]!.schema));

const key = createHash("sha256")
  .update(process.env.API_KEY ?? "")
  .digest();
const publicUrl = "http://localhost";
const inMemory = createHandlers({ store: new MemoryCrmStore(), publicUrl });
const onSqlite = createHandlers({ store: SqliteCrmStore.open(process.env.DATA_DIR!), publicUrl });
const context = { requestId: "fastify" };
// LOG=off: no logger; otherwise Fastify's own default logger (pino, a line on each request and response).
const app = Fastify({ logger: process.env.LOG !== "off", ajv: { customOptions: { removeAdditional: false } } });

app.addHook("onRequest", async (request, reply) => {
  const presented = request.headers.authorization;
  const digest = createHash("sha256")
    .update(typeof presented === "string" ? presented : "")
    .digest();
  if (!timingSafeEqual(digest, key))
    await reply.code(401).send(errorBody("invalidApiKey", { header: "Authorization" }));
});

app.post(
  "/customer",
  { schema: { body: bodyOf("createCustomer"), response: { 201: responseOf("createCustomer", 201) } } },
  async (request, reply) => {
    const { status, body } = await inMemory.createCustomer({ body: request.body as object, headers: {}, context });
    return reply.code(status as never).send(body as never);
  },
);

app.get("/customer/:id", { schema: { response: { 200: responseOf("findCustomer", 200) } } }, async (request, reply) => {
  const { status, body } = await onSqlite.findCustomer({
    path: request.params as { id: string },
    headers: {},
    context,
  });
  return reply.code(status as never).send(body as never);
});

app.post(
  "/customers",
  { schema: { body: bodyOf("searchCustomers"), response: { 200: responseOf("searchCustomers", 200) } } },
  async (request, reply) => {
    const { status, body } = await onSqlite.searchCustomers({ body: request.body as object, headers: {}, context });
    return reply.code(status as never).send(body as never);
  },
);

await app.listen({ port: Number(process.env.PORT ?? 0), host: "127.0.0.1" });
console.log(`fastify server listening on http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
// Exits on SIGTERM (rather than being killed by it), so that `--cpu-prof` can write its profile.
process.once("SIGTERM", () => process.exit(0));
