// Content negotiation: which of the media types a response offers the request's Accept header prefers,
// q-values honoured (negotiator, the parser Express uses).
import Negotiator from "negotiator";

/** A media-type negotiation that remembers its outcomes: clients send the same few Accept headers over and over. */
export function createNegotiation() {
  const outcomes = new Map<readonly string[], Map<string, string | undefined>>();
  /** The preferred media type of `offered`, or undefined when Accept allows none; the first when there is no Accept. */
  return function negotiate(accept: string | undefined, offered: readonly string[]): string | undefined {
    if (accept === undefined) return offered[0];
    let known = outcomes.get(offered);
    if (!known) outcomes.set(offered, (known = new Map()));
    if (known.has(accept)) return known.get(accept);
    const chosen = new Negotiator({ headers: { accept } }).mediaType(offered as string[]);
    if (known.size >= 256) known.clear(); // bounded: arbitrary headers cannot grow it
    known.set(accept, chosen);
    return chosen;
  };
}

export type Negotiate = ReturnType<typeof createNegotiation>;
