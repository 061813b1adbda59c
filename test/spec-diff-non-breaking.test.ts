// One test per rule of the breaking-change check that finds a change that breaks nothing (see
// spec-diff.test.ts), then a spec compared with itself, and wording changes told apart from API changes.
import { describe, expect, it } from "vitest";
import { compareSpecs, wordingChanges } from "../scripts/contract/spec-diff.js";
import {
  base,
  created,
  edited,
  expectChanges,
  fields,
  listWidgets,
  op,
  request,
  type Rule,
} from "./support/spec-diff-rules.js";

const nonBreakingRules: Rule[] = [
  {
    rule: "an added path",
    after: (s) => (s.paths["/gadgets"] = { get: listWidgets }),
    changes: [[false, "added path /gadgets"]],
  },
  {
    rule: "an added operation",
    after: (s) => (s.paths["/widgets"].get = listWidgets),
    changes: [[false, "added operation GET /widgets"]],
  },
  {
    rule: "an added response status",
    after: (s) => (op(s).responses["409"] = { $ref: "#/components/responses/Invalid" }),
    changes: [[false, "POST /widgets: added response 409"]],
  },
  {
    rule: "an added optional property",
    after: (s) => (fields(s).size = { type: "integer" }),
    changes: [
      [false, `${request}: added optional property \`size\``],
      [false, `${created}: added optional property \`size\``],
    ],
  },
  {
    rule: "an added optional request header",
    after: (s) => op(s).parameters.push({ name: "X-Tenant", in: "header", schema: { type: "string" } }),
    changes: [[false, "POST /widgets: added optional header X-Tenant"]],
  },
  {
    rule: "a widened format in a request header",
    after: (s) => delete s.components.parameters.AgentEmail.schema.format,
    changes: [[false, "POST /widgets, header X-Agent-Email: format of the value changed from email to none"]],
  },
  {
    rule: "a request that now allows unlisted properties",
    after: (s) => delete s.components.schemas.CreateWidgetRequest.unevaluatedProperties,
    changes: [[false, `${request}: the value now allows properties not listed`]],
  },
  {
    rule: "an added response header",
    after: (s) => (s.components.responses.Invalid.headers["Retry-After"] = { schema: { type: "integer" } }),
    changes: [[false, "POST /widgets, response 422: added header Retry-After"]],
  },
];

describe("changes that break nothing", () => {
  it.each(nonBreakingRules)("$rule", (rule) => expectChanges(rule));

  it("finds nothing between a spec and itself", () => {
    expect(compareSpecs(base, structuredClone(base))).toEqual([]);
    expect(wordingChanges(base, structuredClone(base))).toEqual([]);
  });

  it("reports reworded descriptions and changed examples by the component that holds them, not as API changes", () => {
    const after = edited((s) => {
      s.components.schemas.Widget.description = "A widget, as the CRM stored it.";
      s.components.examples.WidgetCreated.value.colour = "green";
      op(s).summary = "Make a widget";
    });
    expect(compareSpecs(base, after)).toEqual([]);
    expect(wordingChanges(base, after)).toEqual([
      "paths/~1widgets/post",
      "components/schemas/Widget",
      "components/examples/WidgetCreated",
    ]);
  });
});
