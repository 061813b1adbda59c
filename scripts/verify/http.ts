// Sending a check's request and reading the whole answer; a `curl` command that replays a request with
// the key masked (the key is read from $CRM_KEY, the server from $CRM_URL), every byte escaped.
import type { Answer, VerifyRequest } from "./check.js";

/** Raised when the server gives no HTTP answer at all (refused, reset, timed out, name not found). */
export class NoAnswer extends Error {}

const reasonOf = (error: unknown): string => {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === "TimeoutError") return "no answer in time";
  return cause?.code ?? cause?.message ?? (error as Error).message;
};

/** Sends the request to `baseUrl` (the instanceUrl) and reads the answer whole. */
export async function send(baseUrl: string, request: VerifyRequest, timeoutMs: number): Promise<Answer> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${baseUrl.replace(/\/+$/, "")}${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw new NoAnswer(reasonOf(error));
  }
  const headers = Object.fromEntries([...response.headers].map(([name, value]) => [name.toLowerCase(), value]));
  const mediaType = (headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  return { status: response.status, headers, mediaType, text, ...parsed(mediaType, text) };
}

function parsed(mediaType: string, text: string): { json?: unknown } {
  if (mediaType !== "application/json" || text === "") return {};
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return {};
  }
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** A command that replays the request; a header holding the key reads it from $CRM_KEY instead. */
export function toCurl(request: VerifyRequest, key: string): string {
  const headers = Object.entries(request.headers).map(([name, value]) =>
    value === key && key !== "" ? `-H "${name}: $CRM_KEY"` : `-H ${quote(`${name}: ${value}`)}`,
  );
  const curl = `curl -sS -i -X ${request.method} "$CRM_URL"${quote(request.path)} ${headers.join(" ")}`.trimEnd();
  if (request.body === undefined) return curl;
  const pieces = bodyPieces(request.body);
  if (pieces.length > maxCurlLength)
    return `${curl} --data-binary @body.json  # the body, ${request.body.length} characters, is in the --json report`;
  return `{ ${pieces}; } | ${curl} --data-binary @-`;
}

const maxCurlLength = 4096;

/** Shell commands that print the body: its text escaped for printf, a long run of one character as `head | tr`. */
function bodyPieces(body: string): string {
  return body
    .split(/((?<run>[ -&(-[\]-~])\k<run>{63,})/u)
    .filter((piece, n) => piece !== "" && n % 3 !== 2)
    .map((piece) => (piece.length >= 64 && piece === piece[0]!.repeat(piece.length) ? repeated(piece) : printed(piece)))
    .join("; ");
}

const repeated = (run: string) => `head -c ${run.length} /dev/zero | tr '\\0' ${quote(run[0]!)}`;
const printed = (text: string) => {
  const bytes = [...Buffer.from(text, "utf8")]
    .map((b) =>
      b >= 0x20 && b < 0x7f && b !== 0x27 && b !== 0x5c
        ? String.fromCharCode(b)
        : `\\x${b.toString(16).padStart(2, "0")}`,
    )
    .join("");
  return `printf '%b' '${bytes}'`;
};

/** What came back, on one line, cut short: status, media type and the start of the body. */
export function describeAnswer(answer: Answer, limit = 300): string {
  const body =
    answer.text.length > limit ? `${answer.text.slice(0, limit)}… (${answer.text.length} characters)` : answer.text;
  return `${answer.status} ${answer.mediaType || "(no Content-Type)"} ${JSON.stringify(body)}`;
}
