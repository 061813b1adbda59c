// Names other generators can live with: openapi-typescript nests every schema under `components`, but
// generators such as @hey-api/openapi-ts and orval export one type per component, named after it. A
// component called `Error` became `export type Error`, hiding JavaScript's own Error in that module.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../scripts/shared/paths.js";
import { model } from "./support/spec.js";

/** Every global a browser or Node program can see: Node's own, and those TypeScript's libraries declare. */
function globalNames(): Set<string> {
  const names = new Set(Object.getOwnPropertyNames(globalThis));
  const libs = join(projectRoot, "node_modules/typescript/lib");
  for (const file of readdirSync(libs).filter((f) => /^lib\..*\.d\.ts$/.test(f))) {
    for (const [, name] of readFileSync(join(libs, file), "utf8").matchAll(
      /^declare (?:var|function|class|const) (\w+)/gm,
    ))
      names.add(name!);
  }
  return names;
}

const globals = globalNames();
const componentNames = model.componentNames();

describe("component names", () => {
  it("are checked against the globals (the list is not empty, and knows Error and Response)", () => {
    expect(globals.has("Error") && globals.has("Response") && globals.has("Event")).toBe(true);
    expect(componentNames.length).toBeGreaterThan(10);
  });

  it.each(componentNames)("$kind/$name shadows no JavaScript or DOM global", ({ name }) => {
    expect(globals.has(name), `${name} is a global; rename the component`).toBe(false);
  });
});
