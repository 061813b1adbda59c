// Prism, for contract tests of either side.
//   npm run mock          serves a mock of the bundled spec on http://127.0.0.1:4010 until Ctrl-C
//                         (PORT overrides the port; BASE_PATH, such as /api/v1, serves every path under it)
//   startMock()           a mock from a consumer's test setup (free port by default)
//   startProxy()          a validating proxy in front of a real server, for provider contract tests
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseDocument } from "yaml";
import { freePort, type ManagedProcess, portInUse, startProcess } from "../shared/managed-process.js";
import { packageBin } from "../shared/package-bin.js";

/** The bundled spec that ships with the package (generated/openapi.yaml). */
export const bundledSpec = createRequire(import.meta.url).resolve("khoros-crm-kit/openapi.yaml");

export interface MockOptions {
  /** Port to listen on; a free one when absent. */
  port?: number;
  /** Interface to listen on; loopback by default. */
  host?: string;
  /** OpenAPI file to serve; the kit's bundled spec by default. */
  spec?: string;
  /** A path to serve every path of the spec under, such as `/api/v1` (Prism itself serves them at the root). */
  basePath?: string;
}

export interface RunningPrism {
  /** Base URL to give the client, e.g. `http://127.0.0.1:4010`. */
  url: string;
  port: number;
  /** Stops Prism and every process it started. */
  stop(): Promise<void>;
  /** Prism's last lines of output, useful when a test fails. */
  recentOutput(): string;
}

/** A copy of the spec (in a new folder) whose paths are all below `basePath`. */
function specUnder(spec: string, basePath: string): { file: string; remove(): void } {
  const document = parseDocument(readFileSync(spec, "utf8"));
  const prefix = `/${basePath.replace(/^\/+|\/+$/g, "")}`;
  const paths = document.get("paths") as { items: { key: { value: string } }[] };
  for (const item of paths.items) item.key.value = `${prefix}${item.key.value}`;
  const folder = mkdtempSync(join(tmpdir(), "mock-spec-"));
  writeFileSync(join(folder, "openapi.yaml"), document.toString());
  return { file: join(folder, "openapi.yaml"), remove: () => rmSync(folder, { recursive: true, force: true }) };
}

async function startPrism(command: "mock" | "proxy", extraArgs: string[], options: MockOptions): Promise<RunningPrism> {
  const host = options.host ?? "127.0.0.1";
  const port = options.port ?? (await freePort());
  const spec = options.spec ?? bundledSpec;
  if (!existsSync(spec)) throw new Error(`No spec at ${spec}: run npm run generate first.`);
  const served = options.basePath ? specUnder(spec, options.basePath) : { file: spec, remove() {} };
  let prism: ManagedProcess;
  try {
    prism = await startProcess({
      command: process.execPath,
      args: [
        packageBin("@stoplight/prism-cli", "prism"),
        command,
        served.file,
        ...extraArgs,
        "--host",
        host,
        "--port",
        String(port),
      ],
      ready: /Prism is listening on/,
    });
  } catch (error) {
    served.remove();
    throw error;
  }
  const stop = () => prism.stop().finally(() => served.remove());
  return { url: `http://${host}:${port}`, port, stop, recentOutput: prism.recentOutput };
}

/** Starts Prism serving the spec's examples and resolves once it is listening. */
export function startMock(options: MockOptions = {}): Promise<RunningPrism> {
  return startPrism("mock", [], options);
}

export interface ProxyOptions extends MockOptions {
  /** Base URL of the server under test. */
  upstream: string;
  /**
   * true: a request or response that breaks the spec is answered with Prism's error instead (invalid
   * requests never reach the server). false: everything is forwarded and each violation is reported in
   * the answer's `sl-violations` header.
   */
  errors: boolean;
}

/** Starts Prism as a validating proxy in front of `upstream`, for provider contract tests. */
export function startProxy(options: ProxyOptions): Promise<RunningPrism> {
  return startPrism("proxy", [options.upstream, ...(options.errors ? ["--errors"] : [])], options);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const basePath = process.env.BASE_PATH?.replace(/\/+$/, "") ?? "";
  const port = Number(process.env.PORT ?? 4010);
  if (await portInUse(port)) {
    console.error(
      `Port ${port} is in use: stop what uses it, or start the mock on another port, e.g. PORT=${port + 1} npm run mock.`,
    );
    process.exit(1);
  }
  const mock = await startMock({ port, basePath }).catch((error: Error) => {
    console.error(`Cannot start the Prism mock: ${error.message.split("\n")[0]}`);
    process.exit(1);
  });
  console.log(
    `Prism mock of the custom-CRM API listening on ${mock.url}${basePath} (the instanceUrl to call); Ctrl-C stops it.`,
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void mock.stop().then(() => process.exit(0)));
  }
}
