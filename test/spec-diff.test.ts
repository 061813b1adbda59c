// One test per rule of the breaking-change check: a pair of specs (the fixture before and after one edit)
// and exactly the changes the comparison must report, breaking or not.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { compareSpecs, wordingChanges } from "../scripts/contract/spec-diff.js";

type Doc = Record<string, any>;
const base: Doc = parse(readFileSync(new URL("fixtures/spec-diff/base.yaml", import.meta.url), "utf8"));

/** A copy of the fixture with one edit applied. */
function edited(edit: (spec: Doc) => void): Doc {
  const copy = structuredClone(base);
  edit(copy);
  return copy;
}

const op = (spec: Doc) => spec.paths["/widgets"].post;
const fields = (spec: Doc) => spec.components.schemas.WidgetFields.properties;
const listWidgets = { operationId: "listWidgets", responses: { "200": { description: "The widgets." } } };
const request = "POST /widgets, request body (application/json)";
const created = "POST /widgets, response 201 (application/json)";

interface Rule {
  rule: string;
  before?: (spec: Doc) => void;
  after: (spec: Doc) => void;
  changes: [breaking: boolean, message: string][];
}

const breakingRules: Rule[] = [
  { rule: "a removed path", after: (s) => delete s.paths["/widgets"], changes: [[true, "removed path /widgets"]] },
  {
    rule: "a removed operation",
    before: (s) => (s.paths["/widgets"].get = listWidgets),
    after: () => {},
    changes: [[true, "removed operation GET /widgets"]],
  },
  {
    rule: "an operation moved to another path (followed by its operationId, and compared there)",
    after: (s) => {
      s.paths["/gadgets"] = s.paths["/widgets"];
      delete s.paths["/widgets"];
      delete s.paths["/gadgets"].post.responses["422"];
    },
    changes: [
      [true, "POST /widgets: moved to POST /gadgets (operationId createWidget)"],
      [true, "POST /widgets: removed response 422"],
    ],
  },
  {
    rule: "a renamed operationId",
    after: (s) => (op(s).operationId = "makeWidget"),
    changes: [[true, "POST /widgets: operationId changed from createWidget to makeWidget (the client's method name)"]],
  },
  {
    rule: "a removed response status",
    after: (s) => delete op(s).responses["422"],
    changes: [[true, "POST /widgets: removed response 422"]],
  },
  {
    rule: "a removed response media type",
    after: (s) => delete s.components.responses.WidgetCreated.content["text/plain"],
    changes: [[true, "POST /widgets, response 201: removed media type text/plain"]],
  },
  {
    rule: "a removed request media type",
    after: (s) => (op(s).requestBody.content = { "application/xml": op(s).requestBody.content["application/json"] }),
    changes: [
      [true, "POST /widgets, request body: removed media type application/json"],
      [false, "POST /widgets, request body: added media type application/xml"],
    ],
  },
  {
    rule: "a removed property (request and response alike)",
    after: (s) => delete fields(s).label,
    changes: [
      [true, `${request}: removed property \`label\``],
      [true, `${created}: removed property \`label\``],
    ],
  },
  {
    rule: "a removed request header",
    after: (s) => (op(s).parameters = []),
    changes: [[true, "POST /widgets: removed header X-Agent-Email"]],
  },
  {
    rule: "a removed response header",
    after: (s) => delete s.components.responses.WidgetCreated.headers,
    changes: [[true, "POST /widgets, response 201: removed header X-Request-Id"]],
  },
  {
    rule: "a property that became required (breaks requests only)",
    after: (s) => (s.components.schemas.WidgetFields.required = ["label"]),
    changes: [
      [true, `${request}: property \`label\` became required`],
      [false, `${created}: property \`label\` became required`],
    ],
  },
  {
    rule: "a request header that became required",
    after: (s) => (s.components.parameters.AgentEmail.required = true),
    changes: [[true, "POST /widgets, header X-Agent-Email: became required"]],
  },
  {
    rule: "an added required request header",
    after: (s) => op(s).parameters.push({ name: "X-Tenant", in: "header", required: true, schema: { type: "string" } }),
    changes: [[true, "POST /widgets: added required header X-Tenant"]],
  },
  {
    rule: "a changed type",
    after: (s) => (fields(s).label.type = "integer"),
    changes: [
      [true, `${request}: type of \`label\` changed from string to integer`],
      [true, `${created}: type of \`label\` changed from string to integer`],
    ],
  },
  {
    rule: "a narrowed format (breaks requests only)",
    after: (s) => (fields(s).label.format = "uri"),
    changes: [
      [true, `${request}: format of \`label\` changed from none to uri`],
      [false, `${created}: format of \`label\` changed from none to uri`],
    ],
  },
  {
    rule: "a removed enum value (breaks requests only)",
    after: (s) => (fields(s).colour.enum = ["red"]),
    changes: [
      [true, `${request}: enum value "green" of \`colour\` removed`],
      [false, `${created}: enum value "green" of \`colour\` removed`],
    ],
  },
  {
    rule: "an added enum value (breaks responses only)",
    after: (s) => fields(s).colour.enum.push("blue"),
    changes: [
      [false, `${request}: enum value "blue" of \`colour\` added`],
      [true, `${created}: enum value "blue" of \`colour\` added`],
    ],
  },
  {
    rule: "a tighter bound (breaks requests only)",
    after: (s) => (fields(s).label.maxLength = 20),
    changes: [
      [true, `${request}: maxLength of \`label\` changed from 40 to 20`],
      [false, `${created}: maxLength of \`label\` changed from 40 to 20`],
    ],
  },
  {
    rule: "a renamed API-key header",
    after: (s) => (s.components.securitySchemes.ApiKey.name = "X-Token"),
    changes: [[true, "POST /widgets: security changed from apiKey in header X-API-Key to apiKey in header X-Token"]],
  },
  {
    rule: "another kind of security scheme",
    after: (s) => (s.components.securitySchemes.ApiKey = { type: "http", scheme: "bearer" }),
    changes: [[true, "POST /widgets: security changed from apiKey in header X-API-Key to http bearer"]],
  },
  {
    rule: "security removed",
    after: (s) => delete s.security,
    changes: [[true, "POST /widgets: security changed from apiKey in header X-API-Key to none"]],
  },
  {
    rule: "a property that may now be null, as a type or as a oneOf alternative (widens requests, breaks responses)",
    after: (s) => {
      fields(s).label.type = ["string", "null"];
      fields(s).colour = { oneOf: [fields(s).colour, { type: "null" }] };
    },
    changes: [
      [false, `${request}: \`colour\` may now be null`],
      [false, `${request}: \`label\` may now be null`],
      [true, `${created}: \`colour\` may now be null`],
      [true, `${created}: \`label\` may now be null`],
    ],
  },
  {
    rule: "a oneOf alternative removed, and one narrowed inside (each alternative compared in order)",
    before: (s) => (fields(s).label = { oneOf: [{ type: "string", maxLength: 40 }, { type: "integer" }] }),
    after: (s) => (fields(s).label = { oneOf: [{ type: "string", maxLength: 20 }] }),
    changes: [
      [true, `${request}: maxLength of \`label\` changed from 40 to 20`],
      [true, `${request}: \`label\` has 1 fewer alternative(s)`],
      [false, `${created}: maxLength of \`label\` changed from 40 to 20`],
      [false, `${created}: \`label\` has 1 fewer alternative(s)`],
    ],
  },
];

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

describe("breaking changes", () => {
  it.each(breakingRules)("$rule", ({ before, after, changes }) => {
    const found = compareSpecs(before ? edited(before) : base, edited(after));
    expect(found.map((c) => [c.breaking, c.message])).toEqual(changes);
  });
});

describe("changes that break nothing", () => {
  it.each(nonBreakingRules)("$rule", ({ before, after, changes }) => {
    const found = compareSpecs(before ? edited(before) : base, edited(after));
    expect(found.map((c) => [c.breaking, c.message])).toEqual(changes);
  });

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
