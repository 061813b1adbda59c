// What the generated client costs over hand-written fetch, per request, for the benchmark: sequential
// requests in paired, adjacent blocks, which go first alternating, so that neither always runs on the heels
// of the other; the median of the blocks' ratios.
import { createClient } from "../../generated/client.js";

export const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Time per request of `send`, over `count` sequential requests. */
async function timePerRequest(send: () => Promise<unknown>, count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) await send();
  return (performance.now() - started) / count;
}

/** Time per request of the generated client over hand-written fetch, creating customers at `baseUrl`. */
export async function clientOverhead(baseUrl: string, apiKey: string, body: string): Promise<number> {
  const client = createClient({ baseUrl, apiKey });
  const headers = { Authorization: apiKey, "Content-Type": "application/json", Accept: "application/json" };
  const parsedBody = JSON.parse(body) as Parameters<typeof client.createCustomer>[0];
  const generated = async () => {
    const result = await client.createCustomer(parsedBody);
    if (result.status !== 201) throw new Error(`generated client got ${result.status}`);
  };
  const hand = async () => {
    const response = await fetch(`${baseUrl}/customer`, { method: "POST", headers, body: JSON.stringify(parsedBody) });
    const data: unknown = await response.json();
    if (response.status !== 201 || data === undefined) throw new Error(`fetch got ${response.status}`);
  };
  await timePerRequest(hand, 500); // warm-up of both paths
  await timePerRequest(generated, 500);
  const ratios: number[] = [];
  for (let block = 0; block < 40; block++) {
    const [first, second] = block % 2 ? [hand, generated] : [generated, hand];
    const firstTime = await timePerRequest(first, 100);
    const secondTime = await timePerRequest(second, 100);
    ratios.push(first === generated ? firstTime / secondTime : secondTime / firstTime);
  }
  return median(ratios);
}
