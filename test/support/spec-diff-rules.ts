// The specs of test/spec-diff*.test.ts: the fixture (test/fixtures/spec-diff/base.yaml) and copies of it
// with one edit applied, a rule of the breaking-change check as a test row, and the places its messages name.
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { parse } from "yaml";
import { compareSpecs } from "../../scripts/contract/spec-diff.js";

export type Doc = Record<string, any>;
export const base: Doc = parse(readFileSync(new URL("../fixtures/spec-diff/base.yaml", import.meta.url), "utf8"));

/** A copy of the fixture with one edit applied. */
export function edited(edit: (spec: Doc) => void): Doc {
  const copy = structuredClone(base);
  edit(copy);
  return copy;
}

export const op = (spec: Doc) => spec.paths["/widgets"].post;
export const fields = (spec: Doc) => spec.components.schemas.WidgetFields.properties;
export const listWidgets = { operationId: "listWidgets", responses: { "200": { description: "The widgets." } } };
export const request = "POST /widgets, request body (application/json)";
export const created = "POST /widgets, response 201 (application/json)";

export interface Rule {
  rule: string;
  before?: (spec: Doc) => void;
  after: (spec: Doc) => void;
  changes: [breaking: boolean, message: string][];
}

/** The comparison of the fixture (edited by `before`, if given) with it edited by `after` finds exactly `changes`. */
export function expectChanges({ before, after, changes }: Rule): void {
  const found = compareSpecs(before ? edited(before) : base, edited(after));
  expect(found.map((c) => [c.breaking, c.message])).toEqual(changes);
}
