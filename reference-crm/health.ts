// Liveness and readiness for a load balancer or an orchestrator, at the server's root whatever the base path
// (they are the process's, not the API's, and in no spec): GET /healthz answers while the process does;
// GET /readyz while it should be sent requests: not once it is draining after SIGTERM, nor while its store
// fails a trivial query or takes longer than a probe should wait. No key, no data: a status word in plain
// text. Probes are not logged or counted: a load balancer sends one every few seconds.
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorBody, sendError } from "../generated/server.js";
import type { CrmStore } from "./stores/store.js";

export interface HealthSettings {
  store: Pick<CrmStore, "ping">;
  /** True from SIGTERM on: readiness fails while in-flight requests finish. */
  isDraining?: () => boolean;
  /** How long readiness waits for the store (1 s unless set): a probe that hangs is worse than a 503. */
  readyTimeoutMs?: number;
}

export const healthPaths = { live: "/healthz", ready: "/readyz" } as const;

/** Resolves true when the store answered within `ms`, false when it failed or took longer. */
function answersWithin(store: Pick<CrmStore, "ping">, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const answered = store.ping().then(
    () => true,
    () => false,
  );
  return Promise.race([answered, late]).finally(() => clearTimeout(timer));
}

function sendWord(req: IncomingMessage, res: ServerResponse, status: number, word: string): void {
  res.writeHead(status, {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(word),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  res.end(req.method === "HEAD" ? undefined : word);
}

/**
 * A request listener for the two probes: it answers their paths and returns true, or returns false for any
 * other path. Another method than GET or HEAD gets the API's 405, in the contract's error shape.
 */
export function createHealth({ store, isDraining = () => false, readyTimeoutMs = 1000 }: HealthSettings) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = req.url ?? "/";
    if (!url.startsWith(healthPaths.live) && !url.startsWith(healthPaths.ready)) return false; // no split for most
    const path = url.split("?")[0]!;
    if (path !== healthPaths.live && path !== healthPaths.ready) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      const body = errorBody("methodNotAllowed", { path, method: req.method ?? "", allowed: "GET or HEAD" });
      sendError(req, res, 405, body, { headers: { Allow: "GET, HEAD" } });
    } else if (path === healthPaths.live) {
      sendWord(req, res, 200, "ok");
    } else if (isDraining()) {
      sendWord(req, res, 503, "draining");
    } else {
      void answersWithin(store, readyTimeoutMs).then((ready) =>
        ready ? sendWord(req, res, 200, "ready") : sendWord(req, res, 503, "unavailable"),
      );
    }
    return true;
  };
}
