// A real browser for tests: Debian's Chromium (`apt-get install chromium`) driven by playwright-core, which
// lets pages load local files and loopback servers only, and records every request meant for anywhere else.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";

export interface OfflineBrowser {
  page: Page;
  /** Every request the pages attempted to another host, blocked or not (a CSP block still counts). */
  offLocalhost: string[];
  /** Closes Chromium (all its processes) and removes its profile. */
  close(): Promise<void>;
}

const localSchemes = new Set(["file:", "data:", "blob:", "about:"]);
const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function isLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return localSchemes.has(protocol) || loopbackHosts.has(hostname);
}

function chromiumPath(): string {
  try {
    return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("No chromium on PATH: install Debian's package (apt-get install -y chromium); .ci/run does.");
  }
}

export async function openOfflineBrowser(): Promise<OfflineBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "chromium-profile-"));
  const context = await chromium
    .launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      viewport: { width: 1400, height: 900 },
      serviceWorkers: "block",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    })
    .catch((error: unknown) => {
      rmSync(profile, { recursive: true, force: true });
      throw error;
    });
  const offLocalhost: string[] = [];
  // "request" fires for every attempt, including those a Content-Security-Policy then refuses.
  context.on("request", (request) => {
    if (!isLocal(request.url())) offLocalhost.push(request.url());
  });
  await context.route(
    (url) => !isLocal(url.href),
    (route) => route.abort("blockedbyclient"),
  );
  await context.routeWebSocket(
    (url) => !isLocal(url.href),
    (socket) => {
      offLocalhost.push(socket.url());
      void socket.close();
    },
  );
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    offLocalhost,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
