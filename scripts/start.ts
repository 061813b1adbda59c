// `npm start`: the reference CRM, serving createCustomer from the generated server stub.
//   PORT        port to listen on (default 3000; 0 picks a free one)
//   HOST        interface to listen on (default 127.0.0.1)
//   API_KEY     accepted API keys, comma-separated (rotation); when unset, one random key is made and printed
//   PUBLIC_URL  origin of the customer links it answers with (default http://localhost:PORT)
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createRequestListener } from "../generated/server.js";
import { createHttpServer, stopGracefully } from "../src/http-server.js";
import { createHandlers } from "./reference-crm/handlers.js";
import { MemoryCustomerStore } from "./reference-crm/store.js";

function apiKeysFromEnv(): { apiKeys: Record<string, string>; generatedKey?: string } {
  const given = (process.env.API_KEY ?? "").split(",").map((key) => key.trim()).filter(Boolean);
  if (given.length > 0) return { apiKeys: Object.fromEntries(given.map((key, i) => [`key-${i + 1}`, key])) };
  const generatedKey = randomBytes(24).toString("base64url");
  return { apiKeys: { generated: generatedKey }, generatedKey };
}

const host = process.env.HOST ?? "127.0.0.1";
const { apiKeys, generatedKey } = apiKeysFromEnv();
const store = new MemoryCustomerStore();
const server = createHttpServer();
server.listen(Number(process.env.PORT ?? 3000), host);
await once(server, "listening");
const { port } = server.address() as AddressInfo;
const publicUrl = process.env.PUBLIC_URL ?? `http://localhost:${port}`;
server.on("request", createRequestListener({ handlers: createHandlers({ store, publicUrl }), apiKeys }));

const keyNote = generatedKey ? `; API key (generated, set API_KEY to choose): ${generatedKey}` : "";
console.log(`createCustomer server listening on http://${host}:${port} (POST /customers)${keyNote}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await stopGracefully(server);
    await store.close();
    process.exit(0);
  });
}
