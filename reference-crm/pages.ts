// The reference CRM's HTML pages, outside the API but under the same base path: the agent's pages of a
// customer and of a case (what the API's `url`s open), the docs, and a home page. The agent's pages need
// no API key: their address holds an unguessable id, so nothing lists records (a list would give every
// address away). They live under /agent/, a path no operation of the vendor's API uses. This module routes
// and answers them; their HTML is page-html.ts's.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  describeError,
  errorBody,
  type LogEntry,
  logToStderr,
  relativePath,
  type RequestRecord,
  sendError,
} from "../generated/server.js";
import { casePage, customerPage, errorPage, homePage, notFoundPage } from "./page-html.js";
import type { CrmStore } from "./stores/store.js";

export interface PagesSettings {
  store: CrmStore;
  /** Where Khoros and the agents reach the CRM (its instanceUrl); its path is the base path of the pages. */
  publicUrl: string;
  /** How a shell gets the key to send, for the home page's snippet, e.g. `$(cat data/api-key)`. */
  keyInShell: string;
  /** The rendered docs page, or undefined when it could not be built. */
  docsHtml?: Buffer;
  /** Where errors go; one JSON line on stderr unless set. */
  log?: (entry: LogEntry) => void;
  /** Told of every page answered, as the API's listener tells it of its responses. */
  requestLog?: (record: RequestRecord) => void;
}

/** Where the agent sees a customer, and a case, below the CRM's public URL (its instanceUrl). */
export const customerPagePath = (id: string) => `/agent/customers/${encodeURIComponent(id)}`;
export const casePagePath = (id: string) => `/agent/cases/${encodeURIComponent(id)}`;

function sendHtml(req: IncomingMessage, res: ServerResponse, status: number, html: string | Buffer, ownPolicy = false) {
  const headers: Record<string, string | number> = {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(html),
    "X-Content-Type-Options": "nosniff",
    // The address is the key to the customer: never send it on as a Referer, never keep it in a cache.
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
  };
  // The docs page carries its own policy; ours allow no script at all.
  if (!ownPolicy)
    headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
  res.writeHead(status, headers);
  res.end(req.method === "HEAD" ? undefined : html);
}

/** The record a path names: `/agent/customers/<id>` or `/agent/cases/<id>`; undefined for any other path. */
function recordOf(path: string): { kind: "customer" | "case"; id: string } | undefined {
  const match = /^\/agent\/(customers|cases)\/([^/]+)$/.exec(path);
  try {
    return match
      ? { kind: match[1] === "customers" ? "customer" : "case", id: decodeURIComponent(match[2]!) }
      : undefined;
  } catch {
    return undefined; // a malformed %-escape is no id
  }
}

const isPagePath = (path: string) => path === "/" || path === "/docs" || recordOf(path) !== undefined;

/**
 * A request listener for the pages: it answers a page's path and returns true, or returns false for any
 * other path (for the API to answer). A page's path with a method other than GET or HEAD gets the API's
 * 405, in the contract's error shape.
 */
export function createPages({ store, publicUrl, keyInShell, docsHtml, log = logToStderr, requestLog }: PagesSettings) {
  const basePath = new URL(publicUrl).pathname.replace(/\/+$/, "");
  /** The page's answer for a path, and its status. */
  async function page(path: string): Promise<[number, string | Buffer, boolean?]> {
    if (path === "/") return [200, homePage(publicUrl, keyInShell)];
    if (path === "/docs") return docsHtml ? [200, docsHtml, true] : [404, notFoundPage()];
    const { kind, id } = recordOf(path)!;
    const html =
      kind === "customer"
        ? await store.getCustomer(id).then((customer) => customer && customerPage(customer))
        : await store
            .getCase(id)
            .then((crmCase) => crmCase && casePage(crmCase, basePath + customerPagePath(crmCase.customerId)));
    return html ? [200, html] : [404, notFoundPage()];
  }

  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = relativePath(req.url ?? "/", basePath);
    if (path === undefined || !isPagePath(path)) return false;
    const started = performance.now();
    const requestId = randomUUID();
    const requestPath = (req.url ?? "/").split("?")[0]!;
    const header = (name: string) => [req.headers[name] ?? []].flat().join(", ") || undefined;
    const logged = (status: number) =>
      requestLog?.({
        method: req.method ?? "",
        path: requestPath,
        status,
        requestId,
        ms: performance.now() - started,
        header,
      });
    if (req.method !== "GET" && req.method !== "HEAD") {
      const body = errorBody("methodNotAllowed", {
        path: requestPath,
        method: req.method ?? "",
        allowed: "GET or HEAD",
      });
      sendError(req, res, 405, body, { requestId, headers: { Allow: "GET, HEAD" } });
      logged(405);
      return true;
    }
    res.setHeader("X-Request-Id", requestId);
    page(path).then(
      ([status, html, ownPolicy]) => {
        sendHtml(req, res, status, html, ownPolicy);
        logged(status);
      },
      (error: unknown) => {
        log({ level: "error", requestId, message: `The page ${path} failed.`, detail: describeError(error) });
        if (!res.headersSent) sendHtml(req, res, 500, errorPage());
        logged(500);
      },
    );
    return true;
  };
}
