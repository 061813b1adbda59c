// Hostile clients, on the connection: a body far over the limit, headers sent one byte a second, a request
// refused before its body is read, a hang-up mid-body, and 1,000 connections at once; the server still answers
// a valid request after each. The hostile bodies, one row each, are in hostile.test.ts.
import { request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { errorOnly, expectAnswer, hostileServer, json, stillAnswers } from "./support/hostile-server.js";
import { openSocket, rawPost, readResponse } from "./support/raw-http.js";
import { searchableOne } from "./support/fields.js";

const crm = hostileServer();

describe("hostile input", () => {
  it("a body far over the limit: 413 long before it is all sent, and the connection closed", async () => {
    const total = 256 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, "x");
    const socket = await openSocket(crm.url);
    const response = readResponse(socket);
    socket.write(rawPost({ ...json, "Content-Length": String(total) })); // the headers; the body follows
    let sent = 0;
    let answered = false;
    void response.then(
      () => (answered = true),
      () => (answered = true),
    );
    while (sent < total && !answered && !socket.destroyed) {
      if (!socket.write(chunk)) await new Promise((resolve) => socket.once("drain", resolve).once("close", resolve));
      sent += chunk.length;
    }
    expectAnswer(await response, 413, errorOnly("payload_too_large"));
    expect(sent).toBeLessThan(total / 8);
    await new Promise((resolve) => (socket.destroyed ? resolve(undefined) : socket.once("close", resolve)));
    await stillAnswers(crm);
  });

  it("a client sending its headers one byte a second is cut off by the header timeout (408)", async () => {
    const socket = await openSocket(crm.url);
    const response = readResponse(socket, 10_000);
    const headers = rawPost(json, "{}").toString("latin1");
    let i = 0;
    const drip = setInterval(
      () => (i < headers.length && !socket.destroyed ? socket.write(headers[i++]!) : undefined),
      1000,
    );
    try {
      expectAnswer(await response, 408, errorOnly("request_timeout"));
      expect(i).toBeLessThan(10);
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
    await stillAnswers(crm);
  });

  it("a request refused before its small body is read keeps the connection for the next request", async () => {
    const socket = await openSocket(crm.url);
    try {
      const refused = readResponse(socket);
      socket.write(rawPost({ ...json, Authorization: "wrong" }, JSON.stringify({ [searchableOne]: "x" })));
      expectAnswer(await refused, 401, errorOnly("invalid_api_key"));
      expect((await refused).headers.connection).not.toBe("close");
      const accepted = readResponse(socket);
      socket.write(rawPost(json, JSON.stringify({ [searchableOne]: "same connection" })));
      expect((await accepted).status).toBe(201);
    } finally {
      socket.destroy();
    }
  });

  it("a client that hangs up mid-body: nothing stored, nothing crashes", async () => {
    const rowsBefore = crm.store.count();
    const socket = await openSocket(crm.url);
    const body = JSON.stringify({ [searchableOne]: "never finished" });
    socket.write(rawPost(json, body).subarray(0, -10));
    await new Promise((resolve) => setTimeout(resolve, 100));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(crm.store.count()).toBe(rowsBefore);
    await stillAnswers(crm);
  });

  it("1,000 concurrent connections: every one answered 201 and stored", async () => {
    const rowsBefore = crm.store.count();
    const statuses = await Promise.all(
      Array.from(
        { length: 1000 },
        (_, i) =>
          new Promise<number>((resolve, reject) => {
            const body = JSON.stringify({ [searchableOne]: `concurrent ${i}` });
            const req = httpRequest(`${crm.url}/customer`, {
              method: "POST",
              agent: false,
              headers: { ...json, "Content-Length": Buffer.byteLength(body) },
            });
            req.on("response", (res) => {
              res.resume();
              resolve(res.statusCode!);
            });
            req.on("error", reject);
            req.end(body);
          }),
      ),
    );
    expect(statuses.filter((status) => status === 201)).toHaveLength(1000);
    expect(crm.store.count()).toBe(rowsBefore + 1000);
    await stillAnswers(crm);
  }, 60_000);
});
