// A consumer imports the kit by its package name: the exports in package.json resolve to the built files.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../scripts/shared/paths.js";

describe("package exports", () => {
  it("resolve the client, the server stub, the types, the Prism helpers and the bundled spec (after npm run build)", () => {
    const script = `
      const client = await import("khoros-crm-kit/client");
      const server = await import("khoros-crm-kit/server");
      const mock = await import("khoros-crm-kit/mock");
      await import("khoros-crm-kit/types");
      console.log(JSON.stringify({ createClient: typeof client.createClient, startMock: typeof mock.startMock,
        createRequestListener: typeof server.createRequestListener, createHttpServer: typeof server.createHttpServer,
        spec: import.meta.resolve("khoros-crm-kit/openapi.yaml") === "file://" + mock.bundledSpec }));`;
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: projectRoot, encoding: "utf8" });
    expect(JSON.parse(output)).toEqual({
      createClient: "function",
      startMock: "function",
      createRequestListener: "function",
      createHttpServer: "function",
      spec: true,
    });
  });
});
