// `npm run replay -- <trackingId | event.json> [--url URL --key KEY]`: sends the call of a Khoros failure event
// again (to the local CRM by default, with the key it is given, never the event's) and says in words who broke
// the contract: whether the spec accepts what Khoros sent (if not, the rule that refuses it), whether the CRM's
// answer then was documented, and whether its answer now conforms (judged as `npm run verify` judges).
// Exit code 0 when the answer now conforms and the spec accepts the request; 1 when the answer does not
// conform or the spec refuses the request; 2 when the event or the CRM cannot be reached, or the key is refused.
import { parseArgs } from "node:util";
import { readKeptKey } from "../../reference-crm/api-key.js";
import type { StoredFailureEvent } from "../../reference-crm/events/event.js";
import type { Answer, VerifyRequest } from "../verify/check.js";
import { describeAnswer, NoAnswer, send, toCurl } from "../verify/http.js";
import { judgeAnswer } from "./answer-verdict.js";
import { type Diagnosis, diagnose, operationName } from "./diagnosis.js";
import { replayRequest } from "./khoros-call.js";
import { CannotRead, loadEvent, whenOf } from "./stored-events.js";

const usage = `Usage: replay <trackingId | event.json> [--url URL] [--key KEY]

Sends the call of a Khoros error-custom-crm event again and says who broke the contract.
  --url URL      the CRM's instanceUrl (default: $CRM_URL, else http://127.0.0.1:3000)
  --key VALUE    the authHeaderValue it accepts (default: $API_KEY, else the reference CRM's data/api-key)
  --timeout MS   how long to wait for the answer (default 10000)
A trackingId is looked up in the store npm start uses (STORE, DATA_DIR, DATABASE_URL).
Exit code: 0 the answer conforms, 1 it does not or the spec refuses Khoros's request, 2 no event, CRM or key.`;

const options = {
  url: { type: "string" },
  key: { type: "string" },
  timeout: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function readArgs() {
  try {
    return parseArgs({ options, allowPositionals: true });
  } catch (error) {
    throw new CannotRead(`${(error as Error).message}\n\n${usage}`);
  }
}

/** What the event says: which event, the call Khoros made, what Khoros said, and the diagnosis of then. */
function eventLines(stored: StoredFailureEvent, diagnosis: Diagnosis): string[] {
  const { event } = stored;
  const { call, request } = diagnosis;
  const operation = request.kind === "unrouted" ? "no operation of the spec" : operationName(request.route);
  const below = call.basePath ? ` below the base path ${call.basePath}` : "";
  return [
    `error-custom-crm ${event.trackingId} · ${whenOf(stored)} · Khoros's operation ${event.operation ?? "not given"}`,
    `Khoros called ${call.method} ${event.externalCall.requestUri}: ${operation}${below}`,
    ...(event.description ? [`Khoros said: ${event.description}`] : []),
    ...(event.spredfastErrorMessage ? [`Khoros's detail: ${event.spredfastErrorMessage}`] : []),
    `Then: ${diagnosis.requestWords}; ${diagnosis.answerWords}`,
    ...diagnosis.notes.map((note) => `Note: ${note}`),
  ];
}

/** What the CRM answers now, and what is wrong with it. */
function nowLines(url: string, request: VerifyRequest, answer: Answer, diagnosis: Diagnosis, problems: string[]) {
  const verdict =
    diagnosis.request.kind === "unrouted"
      ? ["  (no operation of the spec to hold it to)"]
      : problems.length === 0
        ? ["  conforms: a documented status, in its media type, the body valid against its schema"]
        : problems.map((problem) => `  rule: ${problem}`);
  return [
    `Now: ${request.method} ${url.replace(/\/+$/, "")}${request.path} answered ${describeAnswer(answer)}`,
    ...verdict,
  ];
}

/** The last line, and the exit code. */
function verdictOf(diagnosis: Diagnosis, problems: string[]): [string, number] {
  if (diagnosis.specStricter)
    return ["Verdict: the spec is stricter than Khoros: widen spec/ to accept this call (see Then above).", 1];
  if (problems.length > 0) return [`Verdict: the CRM breaks the contract now: ${problems[0]}`, 1];
  return ["Verdict: Khoros's request is valid and the CRM's answer now conforms.", 0];
}

/** Sends the call; a CRM that gives no answer, or refuses the key given, stops the replay. */
async function sendAgain(url: string, request: VerifyRequest, timeoutMs: number): Promise<Answer> {
  try {
    const answer = await send(url, request, timeoutMs);
    if (answer.status === 401)
      throw new CannotRead(`The CRM at ${url} refused the key given (401): pass --key, or set API_KEY.`);
    return answer;
  } catch (error) {
    if (error instanceof NoAnswer)
      throw new CannotRead(
        `Cannot reach the CRM at ${url} (${error.message}): is it running, and is the URL its instanceUrl?`,
      );
    throw error;
  }
}

async function main(): Promise<number> {
  const { values: args, positionals } = readArgs();
  if (args.help) return (console.log(usage), 0);
  if (positionals.length !== 1) throw new CannotRead(usage);
  const url = args.url ?? process.env.CRM_URL ?? "http://127.0.0.1:3000";
  const timeoutMs = Number(args.timeout ?? 10_000);
  if (!(timeoutMs > 0)) throw new CannotRead("--timeout takes a number of milliseconds.");
  const stored = await loadEvent(positionals[0]!);
  const diagnosis = await diagnose(stored.event);
  console.log(eventLines(stored, diagnosis).join("\n"));
  const key = args.key ?? process.env.API_KEY ?? readKeptKey(process.env.DATA_DIR ?? "data");
  if (!key) throw new CannotRead("Give the key the CRM accepts: --key <authHeaderValue> (or set API_KEY).");
  const request = replayRequest(diagnosis.call, key);
  const answer = await sendAgain(url, request, timeoutMs);
  const problems = judgeAnswer(diagnosis, answer);
  const [verdict, code] = verdictOf(diagnosis, problems);
  console.log(
    [
      ...nowLines(url, request, answer, diagnosis, problems),
      `To send it again by hand: export CRM_URL='${url}' CRM_KEY='<the key>'; ${toCurl(request, key)}`,
      verdict,
    ].join("\n"),
  );
  return code;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (!(error instanceof CannotRead)) throw error;
  console.error(error.message);
  process.exitCode = 2;
}
