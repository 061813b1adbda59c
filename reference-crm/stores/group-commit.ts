// Group commit, for the stores' createCustomer: the rows added in one turn of the event loop are written
// together (one transaction in SQLite, one statement in PostgreSQL), so a burst of creates costs one
// commit, and one round trip, instead of one each. Alone, a row waits only for the end of the current turn.

export class GroupCommit<Row> {
  #waiting: { row: Row; resolve: () => void; reject: (error: unknown) => void }[] = [];

  /** `write` stores every row, or throws (or rejects): then every row's `add` fails with its error. */
  constructor(private readonly write: (rows: Row[]) => void | Promise<unknown>) {}

  /** Resolves once the row is committed, with the others of its turn. */
  add(row: Row): Promise<void> {
    if (this.#waiting.length === 0) setImmediate(() => void this.flush());
    return new Promise((resolve, reject) => this.#waiting.push({ row, resolve, reject }));
  }

  /** Writes what is waiting now (at once, so that a store can flush before it closes). */
  flush(): Promise<void> {
    const batch = this.#waiting;
    this.#waiting = [];
    if (batch.length === 0) return Promise.resolve();
    let written: Promise<unknown>;
    try {
      written = Promise.resolve(this.write(batch.map((waiting) => waiting.row)));
    } catch (error) {
      written = Promise.reject(error);
    }
    return written.then(
      () => batch.forEach((waiting) => waiting.resolve()),
      (error: unknown) => batch.forEach((waiting) => waiting.reject(error)),
    );
  }
}
