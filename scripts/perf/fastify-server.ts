// Benchmark comparison (c): Fastify, what an integrator might pick instead, with the same schemas on its
// route (taken from the bundled spec), the same API-key check and the same in-memory handler.
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import Fastify from "fastify";
import { parse } from "yaml";
import { listOperations, type OpenApi, resolve, type Schema } from "../shared/spec-model.js";
import { customerUrl } from "../../reference-crm/handlers.js";
import { MemoryCustomerStore } from "../../reference-crm/stores/store.js";

const api = parse(readFileSync(new URL("../../generated/openapi.yaml", import.meta.url), "utf8")) as OpenApi;
const createCustomer = listOperations(api).find((op) => op.operationId === "createCustomer")!;

/** One object schema with `allOf` merged and no `$ref`, which Fastify's default (draft-07) Ajv reads the same way. */
function flatten(schema: Schema): Schema {
  const resolved = resolve<Schema>(api, schema);
  const parts = ((resolved.allOf as Schema[] | undefined) ?? []).map((part) => flatten(part));
  const properties = Object.fromEntries(
    Object.entries(Object.assign({}, ...parts.map((p) => p.properties), resolved.properties) as Record<string, Schema>).map(
      ([name, property]) => [name, resolve<Schema>(api, property)],
    ),
  );
  return {
    type: "object",
    properties,
    required: [...parts.flatMap((p) => (p.required as string[]) ?? []), ...((resolved.required as string[]) ?? [])],
    additionalProperties: false,
  };
}

const key = createHash("sha256").update(process.env.API_KEY ?? "").digest();
const store = new MemoryCustomerStore();
const publicUrl = "http://localhost";
const app = Fastify({ logger: false, ajv: { customOptions: { removeAdditional: false } } });

app.addHook("onRequest", async (request, reply) => {
  const presented = request.headers["authorization"];
  const digest = createHash("sha256").update(typeof presented === "string" ? presented : "").digest();
  if (!timingSafeEqual(digest, key)) await reply.code(401).send({ error: "invalid_api_key", message: "The API key is missing, unknown or revoked." });
});

app.post(
  "/customer",
  {
    schema: {
      body: flatten(createCustomer.requestBody!.jsonSchema!),
      headers: {
        type: "object",
        properties: Object.fromEntries(createCustomer.parameters.map((p) => [p.name.toLowerCase(), p.schema])),
      },
      response: { 201: flatten(createCustomer.responses.find((r) => r.status === 201)!.content["application/json"]!.schema!) },
    },
  },
  async (request, reply) => {
    const { id, ...fields } = await store.create(request.body as object);
    return reply.code(201).send({ id, url: customerUrl(publicUrl, id), ...fields });
  },
);

await app.listen({ port: Number(process.env.PORT ?? 0), host: "127.0.0.1" });
console.log(`fastify server listening on http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
