// The contract's custom fields as it names them, in the spec's order: a golden copy of the kit's decisions,
// shared by the fidelity tests of the operations (their bodies) and of the records.
export const customerFields = [
  "customSearchableCustomerFieldOne",
  "customSearchableCustomerFieldTwo",
  "customNonSearchableCustomerFieldOne",
  "customNonSearchableCustomerFieldTwo",
];
export const caseFields = ["customCasePropertyOne", "customCasePropertyTwo"];
