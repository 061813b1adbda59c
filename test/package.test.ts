// A consumer imports the kit by its package name: the exports in package.json resolve to the built files;
// its bin, verify, runs from the built files with the runtime dependencies only, and so does npm start
// (the whole production start, dev dependencies pruned, is scripts/ops/production-start.ts, in CI).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../scripts/shared/paths.js";

describe("package exports", () => {
  it("resolve the client, server stub, types, metrics, Prism helpers and bundled spec (after npm run build)", () => {
    const script = `
      const client = await import("khoros-crm-kit/client");
      const server = await import("khoros-crm-kit/server");
      const mock = await import("khoros-crm-kit/mock");
      const metrics = await import("khoros-crm-kit/metrics");
      await import("khoros-crm-kit/types");
      console.log(JSON.stringify({ createClient: typeof client.createClient, startMock: typeof mock.startMock,
        createMetrics: typeof metrics.createMetrics,
        createRequestListener: typeof server.createRequestListener, createHttpServer: typeof server.createHttpServer,
        spec: import.meta.resolve("khoros-crm-kit/openapi.yaml") === "file://" + mock.bundledSpec }));`;
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: projectRoot,
      encoding: "utf8",
    });
    expect(JSON.parse(output)).toEqual({
      createClient: "function",
      startMock: "function",
      createMetrics: "function",
      createRequestListener: "function",
      createHttpServer: "function",
      spec: true,
    });
  });
});

const manifest = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as {
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};

/** The packages that `entry` and the modules it imports, followed from file to file, import; and how many files. */
function importedPackages(entry: string): { packages: Set<string>; files: number } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const imports = /^\s*(?:import|export)\s[^;]*?\sfrom\s+"([^"]+)"|\b(?:import|require)\(\s*"([^"]+)"\s*\)/gm;
    for (const [, fromStatement, called] of readFileSync(file, "utf8").matchAll(imports)) {
      const specifier = (fromStatement ?? called)!;
      const packageName = specifier
        .split("/")
        .slice(0, specifier.startsWith("@") ? 2 : 1)
        .join("/");
      if (specifier.startsWith(".")) visit(join(dirname(file), specifier));
      else if (!specifier.startsWith("node:")) packages.add(packageName);
    }
  };
  visit(entry);
  return { packages, files: seen.size };
}

describe("the verify command (the package's bin)", () => {
  const bin = join(projectRoot, manifest.bin["khoros-crm-verify"]!);

  it("runs from dist/ with node alone (after npm run build)", () => {
    expect(readFileSync(bin, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    const output = execFileSync(process.execPath, [bin, "--help"], { cwd: projectRoot, encoding: "utf8" });
    expect(output).toMatch(/^Usage: verify --url <instanceUrl> --key <authHeaderValue>/);
  });

  it("loads no development dependency: each package its compiled modules import is a runtime or peer one", () => {
    const { dependencies, peerDependencies } = manifest;
    const allowed = new Set([...Object.keys(dependencies), ...Object.keys(peerDependencies), "khoros-crm-kit"]);
    const { packages, files } = importedPackages(bin);
    expect(files).toBeGreaterThan(10);
    expect([...packages].filter((name) => !allowed.has(name))).toEqual([]);
  });
});

describe("npm start (the reference CRM, compiled)", () => {
  it("loads no development dependency, nor a peer one: each package it imports is a runtime dependency", () => {
    const { packages, files } = importedPackages(join(projectRoot, "dist/reference-crm/main.js"));
    expect(files).toBeGreaterThan(10);
    expect([...packages].filter((name) => !Object.keys(manifest.dependencies).includes(name))).toEqual([]);
    expect(packages).toContain("prom-client");
  });
});
