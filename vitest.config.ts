import { defineConfig } from "vitest/config";

// The type tests (test/*.test-d.ts) are checked by `npm run lint:ts` (tsc), which `npm test` runs first:
// an `expectTypeOf` that fails or an `@ts-expect-error` that expects nothing is a compile error there.
// (vitest's own typecheck mode would check them again, and warns on every run that it is experimental.)
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    globalSetup: ["test/support/postgres-notice.ts"],
    testTimeout: 30_000,
  },
});
