// A throw-away copy of the project with an edited spec, regenerated: to show that an edit of the spec
// reaches everything derived from it (types, client, validators, server, the reference CRM and its
// database) with `npm run generate` alone. The copy shares node_modules with the project.
import { cpSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import ts from "typescript";
import { generate } from "../../scripts/generate/generate.js";
import { projectRoot } from "../../scripts/shared/paths.js";
import { type StartedServer, startServerScript } from "../../scripts/shared/server-script.js";

const copied = [
  "spec",
  "src",
  "scripts",
  "reference-crm",
  "tsconfig.json",
  "package.json",
  "redocly.yaml",
  ".redocly.lint-ignore.yaml",
];

export interface ProjectCopy {
  root: string;
  /** Type-checks files of the copy (paths from its root) with the project's compiler options; returns the problems. */
  typecheck(files: string[]): string[];
  /** Starts a script of the copy (its reference CRM, say) on a free port. */
  start(script: string, env: Record<string, string>): Promise<StartedServer>;
  remove(): void;
}

/** Copies the project, lets `edit` change the spec in `<root>/spec`, then runs the generator on the copy. */
export async function copyProject(edit: (specDir: string) => void): Promise<ProjectCopy> {
  const root = mkdtempSync(join(tmpdir(), "kit-copy-"));
  for (const entry of copied) cpSync(join(projectRoot, entry), join(root, entry), { recursive: true });
  symlinkSync(join(projectRoot, "node_modules"), join(root, "node_modules"), "dir");
  edit(join(root, "spec"));
  await generate(join(root, "generated"), join(root, "spec/openapi.yaml"));
  return {
    root,
    typecheck(files) {
      const config = ts.getParsedCommandLineOfConfigFile(
        join(root, "tsconfig.json"),
        {},
        { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
      )!;
      const program = ts.createProgram(
        files.map((file) => join(root, file)),
        config.options,
      );
      return ts
        .getPreEmitDiagnostics(program)
        .map(
          (d) =>
            `${d.file ? relative(root, d.file.fileName) : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
        );
    },
    start: (script, env) => startServerScript(script, env, root),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
