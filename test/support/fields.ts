// The custom fields the tests use, read from the generated object structures (the spec's declarations) so that
// no test but the fidelity golden copy (custom-fields.ts) spells a field's name. Each name is typed as a key of
// its generated schema, so `customer[searchableOne]` is checked as the field it stands for.
import { objectStructures } from "../../generated/server.js";
import type { components } from "../../generated/types.js";

type Schemas = components["schemas"];
export type SearchableField = keyof Schemas["SearchableCustomerFields"];
export type NotSearchableField = keyof Schemas["NonSearchableCustomerFields"];
export type CaseField = keyof Schemas["CaseFields"];

/** The first two of `names`, or an error at import saying what the tests need that the spec lacks. */
function firstTwo<Name extends string>(what: string, names: string[]): [Name, Name] {
  const [one, two] = names;
  if (one === undefined || two === undefined) {
    throw new Error(
      `The tests need 2 ${what} but the spec declares ${names.length} (${names.join(", ") || "none"}): ` +
        "declare more in spec/, then run npm run generate.",
    );
  }
  return [one as Name, two as Name];
}

const customerFields = objectStructures.customer.fields;
const namesOf = (fields: { name: string }[]) => fields.map((field) => field.name);

/** Customer fields agents can search on, in the spec's order. */
export const [searchableOne, searchableTwo] = firstTwo<SearchableField>(
  "searchable customer fields",
  namesOf(customerFields.filter((field) => field.searchable)),
);

/** Customer fields agents cannot search on, in the spec's order. */
export const [notSearchableOne, notSearchableTwo] = firstTwo<NotSearchableField>(
  "non-searchable customer fields",
  namesOf(customerFields.filter((field) => !field.searchable)),
);

/** Case fields, in the spec's order. */
export const [caseFieldOne, caseFieldTwo] = firstTwo<CaseField>("case fields", namesOf(objectStructures.case.fields));
