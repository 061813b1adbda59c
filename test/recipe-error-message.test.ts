// The recipe "Change an error message" of guide/change-the-contract.md, applied to a throw-away copy of the
// project: the message of one situation edited in spec/errors.yaml, and nothing else but `npm run generate`.
// The server's response, in JSON and in plain text, and the bundled spec's example (the mock's words) then
// carry the new message, and the old one is left nowhere.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseDocument } from "yaml";
import type { StartedServer } from "../scripts/shared/server-script.js";
import { copyProject, type ProjectCopy } from "./support/project-copy.js";

const situation = "customerNotFound";
const oldMessage = "No customer has the id {id}.";
const newMessage = "No customer of this CRM has the id {id}: search for the customer instead.";
const unknownId = "cus_0192f3a1c2d47e8a9b3c4d5e6f700000";

let copy: ProjectCopy;
let server: StartedServer;

beforeAll(async () => {
  copy = await copyProject((spec) => {
    const file = join(spec, "errors.yaml");
    const catalogue = parseDocument(readFileSync(file, "utf8"));
    expect(catalogue.getIn([situation, "message"])).toBe(oldMessage);
    catalogue.setIn([situation, "message"], newMessage);
    writeFileSync(file, catalogue.toString());
  });
  server = await copy.start("reference-crm/main.ts", { API_KEY: "k", STORE: "memory", REQUEST_LOG: "off" });
}, 90_000);

afterAll(async () => {
  await server?.process.stop();
  copy?.remove();
});

const filled = (message: string) => message.replace("{id}", unknownId);

/** Every file under `dir`, recursively. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)],
  );

describe("an error message changed in spec/errors.yaml, then npm run generate", () => {
  it("is the server's response, in JSON and in plain text", async () => {
    const get = (accept: string) =>
      fetch(`${server.url}/customer/${unknownId}`, { headers: { Authorization: "k", Accept: accept } });
    const json = await get("application/json");
    expect([json.status, await json.json()]).toEqual([
      404,
      { error: "customer_not_found", message: filled(newMessage) },
    ]);
    const text = await get("text/plain");
    expect([text.status, await text.text()]).toEqual([404, filled(newMessage)]);
  });

  it("is the bundled spec's example, and its plain-text twin: what the mock responds with", () => {
    const bundled = parse(readFileSync(join(copy.root, "generated/openapi.yaml"), "utf8"));
    const content = bundled.components.responses.CustomerNotFound.content;
    expect(content["application/json"].examples[situation].value).toEqual({
      error: "customer_not_found",
      message: filled(newMessage),
    });
    expect(content["text/plain"].examples[situation].value).toBe(filled(newMessage));
  });

  it("leaves the old message nowhere in spec/ or generated/", () => {
    const stale = [...filesUnder(join(copy.root, "spec")), ...filesUnder(join(copy.root, "generated"))].filter((file) =>
      [oldMessage, filled(oldMessage)].some((old) => readFileSync(file, "utf8").includes(old)),
    );
    expect(stale).toEqual([]);
  });
});
