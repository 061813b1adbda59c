// One more request property in the spec, regenerated: the validators accept it and the types carry it.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { generate } from "../scripts/generate/generate.js";
import { projectRoot } from "../scripts/shared/paths.js";

type Validate = ((data: unknown) => boolean) & { errors?: { keyword: string; instancePath: string }[] };

let specCopy: string;
let outDir: string; // a sibling of generated/, so its `../src/` imports resolve as generated/'s do

beforeAll(async () => {
  specCopy = mkdtempSync(join(tmpdir(), "spec-"));
  cpSync(join(projectRoot, "spec"), specCopy, { recursive: true });
  const fieldsFile = join(specCopy, "components/schemas/CustomerFields.yaml");
  const fields = parseDocument(readFileSync(fieldsFile, "utf8"));
  fields.setIn(["properties", "customerTier"], { type: "string", description: "The customer's loyalty tier." });
  writeFileSync(fieldsFile, fields.toString());
  outDir = mkdtempSync(join(projectRoot, ".regen-"));
  await generate(outDir, join(specCopy, "openapi.yaml"));
}, 60_000);

afterAll(() => {
  for (const dir of [specCopy, outDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("a request property added to the spec", () => {
  it("is accepted by the regenerated validators, which still check its type and reject unknown ones", async () => {
    const validators = (await import(join(outDir, "validators.ts"))) as Record<string, Validate>;
    const body = validators.createCustomerBody!;
    expect(body({ customerTier: "gold", customSearchableCustomerFieldOne: "a" })).toBe(true);
    expect(body({ customerTier: 3 })).toBe(false);
    expect(body.errors).toEqual([expect.objectContaining({ keyword: "type", instancePath: "/customerTier" })]);
    expect(body({ customerTierr: "gold" })).toBe(false);
    expect(body.errors).toEqual([expect.objectContaining({ keyword: "unevaluatedProperties" })]);
    expect(validators.createCustomerResponse201!({ id: "c1", url: "https://crm.test/c1", customerTier: "gold" })).toBe(true);
  });

  it("is carried by the regenerated types, client and handler contract", () => {
    const snippet = join(outDir, "uses-new-field.ts");
    writeFileSync(
      snippet,
      [
        'import { createClient } from "./client.js";',
        'import type { Handlers } from "./server.js";',
        'import type { components } from "./types.js";',
        'const request: components["schemas"]["CreateCustomerRequest"] = { customerTier: "gold" };',
        'void createClient({ baseUrl: "http://x", apiKey: "k" }).createCustomer({ customerTier: "gold" });',
        "const handlers: Handlers = {",
        '  createCustomer: ({ body }) => ({ status: 201, body: { id: "c", url: "u", customerTier: body.customerTier } }),',
        "};",
        "// @ts-expect-error the new field is a string",
        "const wrong: components['schemas']['CreateCustomerRequest'] = { customerTier: 1 };",
        "void [request, handlers, wrong];",
      ].join("\n"),
    );
    const config = ts.getParsedCommandLineOfConfigFile(join(projectRoot, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const program = ts.createProgram([snippet], config.options);
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(problems).toEqual([]);
  });
});
