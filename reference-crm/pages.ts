// The reference CRM's HTML pages, outside the API but under the same base path: the agent's pages of a
// customer and of a case (what the API's `url`s open), the docs, and a home page. The agent's pages need
// no API key: their address holds an unguessable id, so nothing lists records (a list would give every
// address away). They live under /agent/, a path no operation of the vendor's API uses.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  describeError,
  errorBody,
  type LogEntry,
  logToStderr,
  objectStructures,
  relativePath,
  type RequestRecord,
  routes,
  sendError,
} from "../generated/server.js";
import type { CrmStore, SentInteraction, StoredCase, StoredCustomer } from "./stores/store.js";

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

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** A value as the page shows it: "not set" and "empty" told apart from any text, which is escaped. */
const shown = (value: string | undefined) =>
  value === undefined
    ? '<span class="none">not set</span>'
    : value === ""
      ? '<span class="none">empty</span>'
      : escapeHtml(value);

/** Rows of a definition list: the label (from the spec's `x-label`) and the value. */
const rows = (entries: [label: string, html: string][]) =>
  entries.map(([label, html]) => `  <dt>${escapeHtml(label)}</dt><dd>${html}</dd>`).join("\n");

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
    pre { padding: 0.8rem; white-space: pre-wrap; overflow-wrap: anywhere; }
    ol { padding-left: 1.2rem; }
    li { margin-bottom: 1rem; }
    li p { margin: 0.2rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
    .meta { color: #5b6475; font-size: 0.9rem; overflow-wrap: anywhere; }
    dl.more { margin-top: 0.4rem; font-size: 0.9rem; gap: 0.2rem 1rem; }
  </style>
</head>
<body>
${body}
</body>
</html>
`;
}

function customerPage(customer: StoredCustomer): string {
  const fields = objectStructures.customer.fields.map(({ name, label }): [string, string] => [
    label,
    shown((customer as Record<string, string>)[name]),
  ]);
  const body = `<h1>Customer</h1>\n<div class="id">${escapeHtml(customer.id)}</div>\n<dl>\n${rows(fields)}\n</dl>`;
  return layout("Customer", body);
}

/** A link only to a web address: anything else (a `javascript:` URL, say) is shown as text. */
const link = (url: string) =>
  /^https?:\/\//i.test(url) ? `<a href="${escapeHtml(url)}" rel="noreferrer">${escapeHtml(url)}</a>` : escapeHtml(url);

/** A value Khoros sent that the page has no place for: text as it is, anything else as JSON; escaped. */
const anyValue = (value: unknown) => escapeHtml(typeof value === "string" ? value : JSON.stringify(value));

/** What the headline of an interaction shows; every other property Khoros sent is listed below it. */
const headline = new Set(["created", "service", "contentType", "author", "body", "linkUrl"]);

/** One interaction: when, where and who, its text and link, then whatever else Khoros sent with it. */
function interactionItem(interaction: SentInteraction): string {
  const { author } = interaction;
  const who = author ? `${escapeHtml(author.name)} (@${escapeHtml(author.handle)})` : "";
  const more: [string, string][] = [
    ...Object.entries(interaction)
      .filter(([key]) => !headline.has(key))
      .map(([key, value]): [string, string] => [key, anyValue(value)]),
    ...Object.entries(author ?? {})
      .filter(([key]) => key !== "name" && key !== "handle")
      .map(([key, value]): [string, string] => [`author ${key}`, anyValue(value)]),
  ];
  return [
    `  <li><div class="meta">${escapeHtml(interaction.created)} · ${escapeHtml(interaction.service)} ${escapeHtml(interaction.contentType)} ${who}</div>`,
    `<p>${escapeHtml(interaction.body)}</p>`,
    interaction.linkUrl === undefined ? "" : `<div class="meta">${link(interaction.linkUrl)}</div>`,
    more.length > 0 ? `<dl class="more">\n${rows(more)}\n</dl>` : "",
    "</li>",
  ].join("");
}

function casePage(crmCase: StoredCase, basePath: string): string {
  const fields: [string, string][] = [
    ["Number", escapeHtml(crmCase.number)],
    ["Status", escapeHtml(crmCase.status)],
    [
      "Customer",
      `<a href="${escapeHtml(basePath + customerPagePath(crmCase.customerId))}">${escapeHtml(crmCase.customerId)}</a>`,
    ],
    ["Description", shown(crmCase.description)],
    ["Created", escapeHtml(crmCase.created)],
    ["Last updated", escapeHtml(crmCase.lastUpdated)],
    ...objectStructures.case.fields.map(({ name, label }): [string, string] => [
      label,
      shown((crmCase as unknown as Record<string, string>)[name]),
    ]),
  ];
  const interactions = crmCase.interactions.map(interactionItem).join("\n");
  const body = [
    `<h1>${escapeHtml(crmCase.title)}</h1>`,
    `<div class="id">${escapeHtml(crmCase.id)}</div>`,
    `<dl>\n${rows(fields)}\n</dl>`,
    `<h2>Interactions</h2>`,
    crmCase.interactions.length > 0 ? `<ol>\n${interactions}\n</ol>` : '<p class="none">none</p>',
  ].join("\n");
  return layout("Case", body);
}

// The home page's example call, from the spec: the header the key goes in, a field agents search on.
const keyHeader = routes.createCustomer.apiKeyHeaders[0];
const exampleField = objectStructures.customer.fields.find((field) => field.searchable)?.name;

/** The home page, with a command that creates a customer as Khoros would, to paste as it is. */
const homePage = (publicUrl: string, keyInShell: string) =>
  layout(
    "Reference CRM",
    `<h1>Reference CRM</h1>
<p>This server implements the Khoros Marketing custom-CRM API: Khoros calls it at its instanceUrl,
<code>${escapeHtml(publicUrl)}</code>, with the registered <code>authHeaderValue</code> in
<code>${escapeHtml(keyHeader ?? "no header: the spec asks for no key")}</code>, and every customer and case created gets a page of its own, at the <code>url</code>
the answer carries.</p>
<p><a href="${escapeHtml(new URL(publicUrl).pathname.replace(/\/+$/, ""))}/docs">API reference</a></p>
<p>Create a customer as Khoros would, from a shell in the CRM's folder:</p>
<pre>curl -s -X POST ${escapeHtml(publicUrl)}/customer \\
  ${keyHeader ? `-H "${escapeHtml(keyHeader)}: ${escapeHtml(keyInShell)}" ` : ""}-H 'Content-Type: application/json' \\
  -d '${escapeHtml(JSON.stringify(exampleField ? { [exampleField]: "@jane_doe" } : {}))}'</pre>`,
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
        : await store.getCase(id).then((crmCase) => crmCase && casePage(crmCase, basePath));
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
