// HTTP over a raw socket, for requests no well-behaved client would send (broken framing, slow bytes,
// oversized headers, a hang-up mid-body).
import { connect, type Socket } from "node:net";

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Reads one response from the socket (by Content-Length); rejects if the socket closes first. */
export function readResponse(socket: Socket, timeoutMs = 15_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => reject(new Error("no response in time")), timeoutMs);
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf("\r\n\r\n");
      if (end === -1) return;
      const [statusLine, ...lines] = received.subarray(0, end).toString("latin1").split("\r\n");
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
      );
      const length = Number(headers["content-length"] ?? 0);
      if (received.length < end + 4 + length) return;
      clearTimeout(timer);
      socket.off("data", onData);
      resolve({
        status: Number(statusLine!.split(" ")[1]),
        headers,
        body: received.subarray(end + 4, end + 4 + length).toString("utf8"),
      });
    };
    socket.on("data", onData);
    socket.once("close", () => {
      clearTimeout(timer);
      reject(new Error("connection closed before a whole response"));
    });
  });
}

export async function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  socket.on("error", () => {}); // a reset by the server is an outcome the tests look at, not a crash
  return socket;
}

/** Sends the bytes as they are and reads the response. */
export async function rawExchange(url: string, bytes: Buffer | string): Promise<RawResponse> {
  const socket = await openSocket(url);
  try {
    const response = readResponse(socket);
    socket.write(bytes);
    return await response;
  } finally {
    socket.destroy();
  }
}

/** A request with these headers and body, framed by hand. */
export function rawRequest(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer | string = "",
): Buffer {
  const bytes = typeof body === "string" ? Buffer.from(body) : body;
  const head = Object.entries({ Host: "localhost", "Content-Length": String(bytes.length), ...headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join("");
  return Buffer.concat([Buffer.from(`${method} ${path} HTTP/1.1\r\n${head}\r\n`), bytes]);
}

/** A POST /customer (createCustomer) with these headers and body. */
export const rawPost = (headers: Record<string, string>, body: Buffer | string = "") =>
  rawRequest("POST", "/customer", headers, body);
