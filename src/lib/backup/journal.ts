/**
 * Writes that can be taken back. A restore touches six databases, and IndexedDB has no
 * transaction across databases: each database is written in one transaction (all of its
 * changes or none), and each transaction reads the value every key had before it writes it.
 * If a later database fails, the earlier ones are put back from those readings, so the browser
 * is left as it was.
 *
 * Reading before writing costs one `get` per key in the same transaction; it is what makes the
 * undo exact even when a key was overwritten (a setting, a collection's record).
 */
import type { UseStore } from 'idb-keyval';
import { transact } from '../observe/idb';

export type Change =
  | { key: IDBValidKey; put: unknown }
  /** Computes the new value from the stored one (read in the same transaction); undefined writes nothing. */
  | { key: IDBValidKey; update: (stored: unknown) => unknown }
  | { key: IDBValidKey; remove: true };

/** A key this restore changed, and what it held before (undefined: nothing). */
export interface JournalEntry {
  key: IDBValidKey;
  before: unknown;
}

/** Applies the changes in one transaction; resolves with the journal once it has committed. */
export function applyChanges(store: UseStore, changes: readonly Change[]): Promise<JournalEntry[]> {
  if (changes.length === 0) return Promise.resolve([]);
  return transact<JournalEntry[]>(store, 'readwrite', [], (tx) => {
    for (const change of changes) {
      tx.read(tx.store.get(change.key), (before) => {
        if ('put' in change) tx.store.put(change.put, change.key);
        else if ('remove' in change) {
          if (before === undefined) return;
          tx.store.delete(change.key);
        } else {
          const next = change.update(before);
          if (next === undefined) return;
          tx.store.put(next, change.key);
        }
        tx.result.push({ key: change.key, before });
      });
    }
  });
}

/** Puts back what the journal says each key held, in one transaction. */
export async function revert(store: UseStore, journal: readonly JournalEntry[]): Promise<void> {
  if (journal.length === 0) return;
  await transact(store, 'readwrite', undefined, (tx) => {
    // Newest first: a key changed twice ends with its oldest reading.
    for (const { key, before } of [...journal].reverse()) {
      if (before === undefined) tx.store.delete(key);
      else tx.store.put(before, key);
    }
  });
}
