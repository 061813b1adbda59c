// Benchmark baseline (a): plain node:http doing each operation's work and nothing else: no key check,
// no validation, no negotiation. createCustomer parses the JSON and answers 201 (no store); findCustomer
// and searchCustomers read the reference CRM's SQLite store in DATA_DIR, as the stub server does.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SqliteCrmStore } from "../../reference-crm/stores/sqlite.js";

const store = process.env.DATA_DIR ? SqliteCrmStore.open(process.env.DATA_DIR) : undefined;
const url = (id: string) => `http://localhost/agent/customers/${id}`;
let lastId = 0;

function readJson(req: IncomingMessage): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString()));
      } catch (error) {
        reject(error);
      }
    });
  });
}

function send(res: ServerResponse, status: number, body?: unknown) {
  const payload = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) });
  res.end(payload);
}

const server = createServer(async (req, res) => {
  try {
    const found = /^\/customer\/([^/]+)$/.exec(req.url ?? "");
    if (req.method === "POST" && req.url === "/customer") {
      const id = String(++lastId);
      return send(res, 201, { id, url: url(id), ...(await readJson(req)) });
    }
    if (req.method === "GET" && found && store) {
      const customer = await store.getCustomer(found[1]!);
      return customer ? send(res, 200, { ...customer, url: url(customer.id) }) : send(res, 404);
    }
    if (req.method === "POST" && req.url === "/customers" && store) {
      const matches = await store.searchCustomers(await readJson(req), 100);
      return matches.length > 0
        ? send(
            res,
            200,
            matches.map((c) => ({ ...c, url: url(c.id) })),
          )
        : send(res, 204);
    }
    send(res, 404);
  } catch {
    send(res, 400);
  }
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`bare server listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
// Exits on SIGTERM (rather than being killed by it), so that `--cpu-prof` can write its profile.
process.once("SIGTERM", () => process.exit(0));
