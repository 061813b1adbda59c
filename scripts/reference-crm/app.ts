// The reference CRM as one request listener: the API (generated server stub + handlers), and for every
// other path the pages (customer page, docs, home).
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequestListener, type ListenerOptions, type Handlers } from "../../generated/server.js";
import { createHandlers } from "./handlers.js";
import { createPages } from "./pages.js";
import type { CustomerStore } from "./store.js";

export interface CrmOptions extends Omit<ListenerOptions<Handlers>, "handlers"> {
  store: CustomerStore;
  publicUrl: string;
  docsHtml?: Buffer;
}

export function createCrmListener({ store, publicUrl, docsHtml, ...apiOptions }: CrmOptions) {
  const api = createRequestListener({ ...apiOptions, handlers: createHandlers({ store, publicUrl }) });
  const pages = createPages({ store, docsHtml, log: apiOptions.log });
  return (req: IncomingMessage, res: ServerResponse) => api(req, res, () => void pages(req, res));
}
