// What the SQL stores (sqlite.ts, postgres.ts) share: their tables' columns, records to and from rows, the
// custom fields' columns and the search, each written once; each store adds only its dialect.
//
// Their schema: a list of migrations, oldest first, that `schema_version` counts. A new table or index is a
// new entry of the list, never an edit of an old one: existing data is kept. The custom fields' columns are
// in no migration: they follow the spec (see `fieldColumnsToAdd`), added at start, never dropped.
import type { FailureEvent, StoredFailureEvent } from "../events/event.js";
import type {
  CaseChanges,
  CaseFields,
  CaseStatus,
  CustomerFields,
  NewCase,
  StoredCase,
  StoredCustomer,
} from "./store.js";
import {
  caseFieldNames,
  caseNumber,
  customerFieldNames,
  matchKey,
  now,
  pick,
  searchableCustomerFields,
} from "./store.js";

/** A column name as SQL reads it, whatever the spec calls the field. */
export const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
/** The column holding a searchable field's matchKey. */
export const keyColumn = (field: string) => `${field}__key`;

/** A row as a SQL store reads it: a column per field, NULL when absent; a case's interactions as JSON text. */
export type Row = Record<string, string | number | null>;

/** A customer's columns besides its id: the fields, then the searchable fields' keys. */
export const customerColumns: readonly string[] = [...customerFieldNames, ...searchableCustomerFields.map(keyColumn)];

/** The values of `customerColumns`. An absent field is NULL, an empty one ''. */
export function customerColumnValues(customer: CustomerFields): (string | null)[] {
  const given = pick(customer, customerFieldNames);
  const value = (name: string) => given[name] ?? null;
  return [
    ...customerFieldNames.map(value),
    ...searchableCustomerFields.map((name) => (value(name) === null ? null : matchKey(value(name)!))),
  ];
}

/** The columns an update sets: each field given, and the key of each searchable one. */
export function changedCustomerColumns(changes: CustomerFields): [column: string, value: string][] {
  return Object.entries(pick(changes, customerFieldNames)).flatMap(([name, value]): [string, string][] => [
    [name, value!],
    ...(searchableCustomerFields.includes(name) ? [[keyColumn(name), matchKey(value!)] as [string, string]] : []),
  ]);
}

/** A case's columns. */
export const caseColumns: readonly string[] = [
  "id",
  "number",
  "customer_id",
  "title",
  "description",
  "status",
  "created",
  "last_updated",
  "interactions",
  ...caseFieldNames,
];

/** The values of the field columns of a case, NULL for an absent field. */
export function caseFieldValues(fields: CaseFields): (string | null)[] {
  const given = pick(fields, caseFieldNames);
  return caseFieldNames.map((name) => given[name] ?? null);
}

/** A new case's values, in the order of `caseColumns` without `number` (each store numbers it its own way). */
export function newCaseValues(id: string, input: NewCase): (string | null)[] {
  const created = now();
  const interactions = JSON.stringify(input.interactions ?? []);
  const description = input.description ?? "";
  return [
    id,
    input.customerId,
    input.title,
    description,
    "open",
    created,
    created,
    interactions,
    ...caseFieldValues(input),
  ];
}

/** The columns an update of `current` sets: what `changes` gives, the interactions after its own, and last_updated. */
export function changedCaseColumns(current: StoredCase, changes: CaseChanges): [column: string, value: string][] {
  const { title, description, status } = changes;
  const given = Object.entries({
    ...pick({ title, description, status }, ["title", "description", "status"]),
    ...pick(changes, caseFieldNames),
  });
  return [
    ...(given as [string, string][]),
    ["interactions", JSON.stringify([...current.interactions, ...(changes.interactions ?? [])])],
    ["last_updated", now()],
  ];
}

/** The customer a row holds: its id and the fields that are not NULL. */
export function customerFromRow(row: Row): StoredCustomer {
  const customer: StoredCustomer = { id: String(row.id) };
  for (const name of customerFieldNames)
    if (row[name] !== null) (customer as Record<string, string>)[name] = String(row[name]);
  return customer;
}

/** The case a row holds: the fields that are not NULL, and the interactions parsed. */
export function caseFromRow(row: Row): StoredCase {
  const stored: StoredCase = {
    id: String(row.id),
    number: caseNumber(Number(row.number)),
    customerId: String(row.customer_id),
    title: String(row.title),
    description: String(row.description),
    status: row.status as CaseStatus,
    created: String(row.created),
    lastUpdated: String(row.last_updated),
    interactions: JSON.parse(String(row.interactions)),
  };
  for (const name of caseFieldNames)
    if (row[name] !== null) (stored as Record<string, unknown>)[name] = String(row[name]);
  return stored;
}

/** The failure event a row of `failure_events` holds. */
export const failureEventFromRow = (row: Row): StoredFailureEvent => ({
  receivedAt: String(row.received_at),
  event: JSON.parse(String(row.event)) as FailureEvent,
});

/**
 * What a table lacks of the spec's custom fields: the columns to add, and the searchable fields whose key
 * column to add.
 */
export function fieldColumnsToAdd(
  existing: ReadonlySet<string>,
  fields: readonly string[],
  searchable: readonly string[] = [],
) {
  return {
    columns: fields.filter((field) => !existing.has(field)),
    keys: searchable.filter((field) => !existing.has(keyColumn(field))),
  };
}

/** The statements that add a field's column, or a key column and its index (filled in between by the store). */
export const addColumn = (table: string, column: string, type: string) =>
  `ALTER TABLE ${quote(table)} ADD COLUMN ${quote(column)} ${type}`;
export const keyIndex = (table: string, field: string) =>
  `CREATE INDEX ${quote(`${table}_by_${keyColumn(field)}`)} ON ${quote(table)} (${quote(keyColumn(field))})`;

/**
 * The customers each of whose searchable criteria equals their key column, newest first: the statement, with
 * `placeholder(i)` the store's marker of the i-th value (`?`, `$1`), and its values.
 */
export function searchStatement(
  criteria: Readonly<Record<string, string>>,
  limit: number,
  placeholder: (i: number) => string,
) {
  const given = Object.entries(criteria).filter(([name]) => searchableCustomerFields.includes(name));
  const where = given.map(([name], i) => `${quote(keyColumn(name))} = ${placeholder(i + 1)}`).join(" AND ") || "1 = 1";
  const columns = ["id", ...customerFieldNames].map(quote).join(", ");
  const sql = `SELECT ${columns} FROM customers WHERE ${where} ORDER BY id DESC LIMIT ${placeholder(given.length + 1)}`;
  return { sql, values: [...given.map(([, value]) => matchKey(value)), limit] };
}
