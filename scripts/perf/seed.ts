// The SQLite file the benchmark's find and search scenarios read.
import { SqliteCrmStore } from "../../reference-crm/stores/sqlite.js";

/** `customers` customers in `dataDir`, each handle `@user<n>` shared by `customers / handles`; some of their ids. */
export async function seedSqlite(dataDir: string, customers: number, handles: number): Promise<string[]> {
  const store = SqliteCrmStore.open(dataDir);
  const made = await Promise.all(
    Array.from({ length: customers }, (_, i) =>
      store.createCustomer({
        customSearchableCustomerFieldOne: `@user${i % handles}`,
        customSearchableCustomerFieldTwo: `ACME-${i}`,
        customNonSearchableCustomerFieldOne: "Seeded",
      }),
    ),
  );
  await store.close();
  return made.filter((_, i) => i % 97 === 0).map((c) => c.id);
}
