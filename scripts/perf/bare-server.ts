// Benchmark baseline (a): plain node:http that parses the JSON body and answers 201, validating nothing.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

let lastId = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    let payload: string;
    try {
      const id = String(++lastId);
      payload = JSON.stringify({ id, url: `http://localhost/agent/customers/${id}`, ...JSON.parse(Buffer.concat(chunks).toString()) });
    } catch {
      res.writeHead(400).end();
      return;
    }
    res.writeHead(201, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) });
    res.end(payload);
  });
});
server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  console.log(`bare server listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
