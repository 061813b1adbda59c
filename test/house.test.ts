// The house rules, checked so that they stay true: no hand-written file over 250 lines, no function over
// 60 lines, no line over 120 characters. A test's `describe` and `it` blocks are its table of contents and
// a test table is data, so neither counts as a function; generated/ is not written by hand.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../scripts/shared/paths.js";

const folders = ["src", "scripts", "reference-crm", "test", "examples"];
const code = /\.(ts|mts|cts|js|mjs|cjs)$/;
const files = [
  ...readdirSync(projectRoot).filter((name) => code.test(name)),
  ...folders.flatMap((folder) =>
    readdirSync(join(projectRoot, folder), { recursive: true, encoding: "utf8" })
      .filter((name) => code.test(name) && !name.split("/").includes("fixtures"))
      .map((name) => join(folder, name)),
  ),
].sort();
const testBlock = /^(describe|it|test)\b/;

/** The functions of a file longer than `limit` lines, by where they start. */
function longFunctions(file: string, text: string, limit: number): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lineOf = (position: number) => source.getLineAndCharacterOfPosition(position).line + 1;
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    const inTestBlock =
      node.parent !== undefined &&
      ts.isCallExpression(node.parent) &&
      testBlock.test(node.parent.expression.getText(source));
    if (ts.isFunctionLike(node) && "body" in node && node.body && !inTestBlock) {
      const lines = lineOf(node.getEnd()) - lineOf(node.getStart(source)) + 1;
      if (lines > limit) found.push(`${file}:${lineOf(node.getStart(source))} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("the house rules", () => {
  it("finds the hand-written code", () => {
    expect(files).toEqual(expect.arrayContaining(["src/pipeline.ts", "reference-crm/main.ts", "test/house.test.ts"]));
  });

  it("keeps every hand-written file at 250 lines or under", () => {
    const long = files.filter((file) => readFileSync(join(projectRoot, file), "utf8").split("\n").length - 1 > 250);
    expect(long).toEqual([]);
  });

  it("keeps every function at 60 lines or under", () => {
    const long = files.flatMap((file) => longFunctions(file, readFileSync(join(projectRoot, file), "utf8"), 60));
    expect(long).toEqual([]);
  });

  it("keeps every line at 120 characters or under", () => {
    const long = files.flatMap((file) =>
      readFileSync(join(projectRoot, file), "utf8")
        .split("\n")
        .flatMap((line, i) => ([...line].length > 120 ? [`${relative(".", file)}:${i + 1}`] : [])),
    );
    expect(long).toEqual([]);
  });
});
