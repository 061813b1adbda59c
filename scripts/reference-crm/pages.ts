// The reference CRM's HTML pages, outside the API: the customer page the agent's `url` opens, the docs,
// and a home page. The customer page needs no API key: its address holds an unguessable id, so nothing
// lists customers (a list would give every address away).
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { describeError, type LogEntry, logToStderr } from "../../src/server-runtime.js";
import { type CustomerStore, customerFields } from "./store.js";

export interface PagesSettings {
  store: CustomerStore;
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

const homePage = () =>
  layout(
    "Reference CRM",
    `<h1>Reference CRM</h1>
<p>This server implements the Khoros Marketing <strong>createCustomer</strong> call: Khoros sends
<code>POST /customers</code> with an API key in <code>X-API-Key</code>, and every customer created gets a page of
its own, at the <code>url</code> the answer carries.</p>
<p><a href="/docs">API reference</a></p>
<pre>curl -X POST "$ORIGIN/customers" -H "X-API-Key: $KEY" \\
  -H "Content-Type: application/json" -d '{"customSearchableCustomerFieldOne": "@jane_doe"}'</pre>`,
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

/** The id in `/customers/<id>`, or undefined for any other path. */
function customerId(path: string): string | undefined {
  const match = /^\/customers\/([^/]+)$/.exec(path);
  try {
    return match ? decodeURIComponent(match[1]!) : undefined;
  } catch {
    return undefined; // a malformed %-escape is no id
  }
}

/** A request listener for the pages; give it what the API listener does not handle. */
export function createPages({ store, docsHtml, log = logToStderr }: PagesSettings) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0]!;
    const requestId = randomUUID();
    res.setHeader("X-Request-Id", requestId);
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      return sendHtml(req, res, 405, layout("Method not allowed", "<h1>Method not allowed</h1>"));
    }
    try {
      if (path === "/") return sendHtml(req, res, 200, homePage());
      if (path === "/docs" || path === "/docs/") {
        return docsHtml ? sendHtml(req, res, 200, docsHtml, true) : sendHtml(req, res, 404, notFoundPage());
      }
      const id = customerId(path);
      const customer = id === undefined ? undefined : await store.get(id);
      if (!customer) return sendHtml(req, res, 404, notFoundPage());
      return sendHtml(req, res, 200, customerPage(customer as Record<string, string>));
    } catch (error) {
      log({ level: "error", requestId, message: `The page ${path} failed.`, detail: describeError(error) });
      if (!res.headersSent) sendHtml(req, res, 500, errorPage());
    }
  };
}
