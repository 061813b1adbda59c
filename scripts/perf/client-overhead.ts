// The generated client's cost: its time per request against hand-written fetch doing the same call.
import { createClient } from "../../generated/client.js";
import { median } from "./load.js";
import { createCustomerBody, jsonHeaders } from "./workload.js";

/** Time per request of `send`, over `count` sequential requests. */
async function timePerRequest(send: () => Promise<unknown>, count: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < count; i++) await send();
  return (performance.now() - started) / count;
}

/** Time per request of the generated client over hand-written fetch: the median of paired, adjacent blocks. */
export async function clientOverhead(baseUrl: string, apiKey: string): Promise<number> {
  const client = createClient({ baseUrl, apiKey });
  const body = JSON.parse(createCustomerBody) as Parameters<typeof client.createCustomer>[0];
  const generated = async () => {
    const result = await client.createCustomer(body);
    if (result.status !== 201) throw new Error(`generated client got ${result.status}`);
  };
  const headers = jsonHeaders(apiKey);
  const hand = async () => {
    const response = await fetch(`${baseUrl}/customer`, { method: "POST", headers, body: JSON.stringify(body) });
    const data: unknown = await response.json();
    if (response.status !== 201 || data === undefined) throw new Error(`fetch got ${response.status}`);
  };
  await timePerRequest(hand, 500); // warm-up of both paths
  await timePerRequest(generated, 500);
  const ratios: number[] = [];
  for (let block = 0; block < 40; block++) {
    // Alternate which goes first, so neither always runs on the heels of the other.
    const [first, second] = block % 2 ? [hand, generated] : [generated, hand];
    const firstTime = await timePerRequest(first, 100);
    const secondTime = await timePerRequest(second, 100);
    ratios.push(first === generated ? firstTime / secondTime : secondTime / firstTime);
  }
  return median(ratios);
}
