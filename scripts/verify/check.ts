// What verify is made of: a check is data (the operation, the rule it holds the server to, how bad a
// breach is, the request, and a judge of the answer), and a world that the checks of one run share (the
// key, the prefix of what it creates, the records made so far).

/** `fail`: the vendor's contract is broken. `warn`: a kit addition (406, 413, …) is not honoured. */
export type Severity = "fail" | "warn";

/** Derived from the spec; the contract's semantics (state); the calls Khoros makes that must be accepted. */
export type Family = "spec" | "journey" | "tolerance";

export interface VerifyRequest {
  method: string;
  /** Below the instanceUrl, path parameters filled in, e.g. `/customer/cus_1`. */
  path: string;
  headers: Record<string, string>;
  /** Exactly the bytes sent (as text); none for a request without a body. */
  body?: string;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** The Content-Type without its parameters, lower case; "" when there is none. */
  mediaType: string;
  text: string;
  /** The parsed body, when the answer is JSON and parses. */
  json?: unknown;
}

export interface World {
  readonly key: string;
  /** Starts the name of everything the run creates, so that it can be told apart and cleaned up. */
  readonly prefix: string;
  /** The server keeps nothing and decides nothing (a mock answering the spec's examples). */
  readonly stateless: boolean;
  readonly readOnly: boolean;
  /** Records the run created, by the path of the operation that made them (`/customer`, `/case`), oldest first. */
  readonly made: Map<string, Record<string, unknown>[]>;
  /** Records and values the journey and the tolerance calls keep between their steps, by name. */
  readonly kept: Map<string, unknown>;
}

export interface Check {
  /** The operation it calls, or a name for calls of no operation (an unknown path). */
  operationId: string;
  /** What the server is held to, in a few words: `401 without a key`. */
  rule: string;
  severity: Severity;
  family: Family;
  /** Changes data on the server: skipped by --read-only. */
  writes?: boolean;
  /** Needs a server that keeps records and applies the contract's rules: skipped by --stateless. */
  needsState?: boolean;
  /** The request to send, or why it cannot be sent in this run (then the check is skipped). */
  request(world: World): VerifyRequest | string;
  /** What is wrong with the answer (nothing when it passes); may keep what later checks need in the world. */
  judge(answer: Answer, world: World): string[];
}

export type Verdict = "pass" | "fail" | "warn" | "skip";

export interface Outcome {
  check: Check;
  verdict: Verdict;
  /** The problems found, or why the check was skipped. */
  problems: string[];
  request?: VerifyRequest;
  answer?: Answer;
  /** Transport failure (refused, reset, timed out) instead of an answer. */
  transportError?: string;
  ms: number;
}

/** The newest record the run created through the operation at `path`, if any. */
export function newest(world: World, path: string): Record<string, unknown> | undefined {
  return world.made.get(path)?.at(-1);
}

/** A record's id as text, if it has one. */
export const idOf = (record: unknown): string | undefined => {
  const id = (record as { id?: unknown } | undefined)?.id;
  return typeof id === "string" ? id : undefined;
};
