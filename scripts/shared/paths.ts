// Where the project's parts are, for scripts and tests that run from anywhere.
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const projectRoot = resolve(fileURLToPath(import.meta.url), "../../..");
/** The root of the hand-written spec. */
export const specPath = join(projectRoot, "spec/openapi.yaml");
/** The spec bundled into one file by `npm run generate`. */
export const bundledSpecPath = join(projectRoot, "generated/openapi.yaml");
