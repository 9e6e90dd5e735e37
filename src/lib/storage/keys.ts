/**
 * Every key range of every store: in IndexedDB's key order arrays sort after every number and
 * string, so `[...prefix, []]` closes a prefix range.
 *
 * Ranges are made when used, never at module load: where the browser refuses IndexedDB, the
 * in-memory replacement (storage/availability.ts) is installed after the modules are loaded, and
 * a range from the native IDBKeyRange would be refused by it.
 */
export const prefixRange = (...prefix: IDBValidKey[]): IDBKeyRange => IDBKeyRange.bound(prefix, [...prefix, []]);
