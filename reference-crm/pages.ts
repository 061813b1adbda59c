// The reference CRM's HTML pages, outside the API but under the same base path: the agent's page of a
// customer (what the API's `url` opens), the docs, and a home page. The agent's page needs no API key: its
// address holds an unguessable id, so nothing lists customers (a list would give every address away). It
// lives under /agent/, a path no operation of the vendor's API uses.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorBody, sendError } from "../generated/server.js";
import { relativePath } from "../src/router.js";
import { describeError, type LogEntry, logToStderr } from "../src/server-runtime.js";
import { type CustomerStore, customerFields } from "./stores/store.js";

export interface PagesSettings {
  store: CustomerStore;
  /** The base path the CRM is served under (the path of its instanceUrl), "" for none. */
  basePath: string;
  /** The rendered docs page, or undefined when it could not be built. */
  docsHtml?: Buffer;
  /** Where errors go; one JSON line on stderr unless set. */
  log?: (entry: LogEntry) => void;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** `customSearchableCustomerFieldOne` → `Custom searchable customer field one`. */
const label = (name: string) => {
  const words = name.replace(/([A-Z])/g, " $1").toLowerCase().trim();
  return words[0]!.toUpperCase() + words.slice(1);
};

function layout(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}</title>
  <style>
    body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 3rem auto; padding: 0 1rem; color: #1d2433; }
    h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
    .id { color: #5b6475; font-family: ui-monospace, monospace; font-size: 0.9rem; overflow-wrap: anywhere; }
    dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.6rem 1.5rem; margin-top: 2rem; }
    dt { font-weight: 600; }
    dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
    .none { color: #8a93a3; font-style: italic; }
    code, pre { font-family: ui-monospace, monospace; background: #f3f5f8; border-radius: 4px; }
    pre { padding: 0.8rem; overflow-x: auto; }
  </style>
</head>
<body>
${body}
</body>
</html>
`;
}

function customerPage(customer: Record<string, string>): string {
  const rows = customerFields
    .map((name) => {
      const value = customer[name];
      const shown =
        value === undefined ? '<span class="none">not set</span>' : value === "" ? '<span class="none">empty</span>' : escapeHtml(value);
      return `  <dt>${label(name)}</dt><dd>${shown}</dd>`;
    })
    .join("\n");
  return layout("Customer", `<h1>Customer</h1>\n<div class="id">${escapeHtml(customer.id!)}</div>\n<dl>\n${rows}\n</dl>`);
}

/** Where the agent sees a customer, below the CRM's public URL (its instanceUrl). */
export const customerPagePath = (id: string) => `/agent/customers/${encodeURIComponent(id)}`;

const homePage = (basePath: string) =>
  layout(
    "Reference CRM",
    `<h1>Reference CRM</h1>
<p>This server implements the Khoros Marketing custom-CRM API: Khoros sends <code>POST ${escapeHtml(basePath)}/customer</code>
with the registered <code>authHeaderValue</code> in <code>Authorization</code>, and every customer created gets a
page of its own, at the <code>url</code> the answer carries.</p>
<p><a href="${escapeHtml(basePath)}/docs">API reference</a></p>`,
  );

const notFoundPage = () => layout("Not found", "<h1>Not found</h1>\n<p>There is nothing at this address.</p>");
const errorPage = () => layout("Something went wrong", "<h1>Something went wrong</h1>\n<p>Please try again later.</p>");

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
  if (!ownPolicy) headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
  res.writeHead(status, headers);
  res.end(req.method === "HEAD" ? undefined : html);
}

/** The id in `/agent/customers/<id>`, or undefined for any other path. */
function customerId(path: string): string | undefined {
  const match = /^\/agent\/customers\/([^/]+)$/.exec(path);
  try {
    return match ? decodeURIComponent(match[1]!) : undefined;
  } catch {
    return undefined; // a malformed %-escape is no id
  }
}

const isPagePath = (path: string) => path === "/" || path === "/docs" || customerId(path) !== undefined;

/**
 * A request listener for the pages: it answers a page's path and returns true, or returns false for any
 * other path (for the API to answer). A page's path with a method other than GET or HEAD gets the API's
 * 405, in the contract's error shape.
 */
export function createPages({ store, basePath, docsHtml, log = logToStderr }: PagesSettings) {
  async function page(req: IncomingMessage, res: ServerResponse, path: string, requestId: string): Promise<void> {
    try {
      if (path === "/") return sendHtml(req, res, 200, homePage(basePath));
      if (path === "/docs") return docsHtml ? sendHtml(req, res, 200, docsHtml, true) : sendHtml(req, res, 404, notFoundPage());
      const customer = await store.get(customerId(path)!);
      if (!customer) return sendHtml(req, res, 404, notFoundPage());
      return sendHtml(req, res, 200, customerPage(customer as Record<string, string>));
    } catch (error) {
      log({ level: "error", requestId, message: `The page ${path} failed.`, detail: describeError(error) });
      if (!res.headersSent) sendHtml(req, res, 500, errorPage());
    }
  }

  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = relativePath(req.url ?? "/", basePath);
    if (path === undefined || !isPagePath(path)) return false;
    const requestId = randomUUID();
    if (req.method !== "GET" && req.method !== "HEAD") {
      const requestPath = (req.url ?? "/").split("?")[0]!;
      const body = errorBody("methodNotAllowed", { path: requestPath, method: req.method ?? "", allowed: "GET or HEAD" });
      sendError(req, res, 405, body, { requestId, headers: { Allow: "GET, HEAD" } });
      return true;
    }
    res.setHeader("X-Request-Id", requestId);
    void page(req, res, path, requestId);
    return true;
  };
}
