// The handlers the examples serve: the reference CRM's ten operations on its memory store. In your CRM, the
// ten functions you write on the generated `Handlers` type (guide/implement-your-crm.md).
import { createHandlers } from "../reference-crm/handlers.js";
import { MemoryCrmStore } from "../reference-crm/stores/memory.js";

export const handlers = createHandlers({ store: new MemoryCrmStore(), publicUrl: "https://crm.example.test" });
