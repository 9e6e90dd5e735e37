/**
 * Whether this browser lets Hearth keep anything. Some private modes, enterprise policies and
 * storage-disabled profiles refuse IndexedDB (`indexedDB` missing, `open` throwing, or its
 * request failing). Rather than a broken app, Hearth then runs on an in-memory IndexedDB
 * (fake-indexeddb, loaded only in that case): everything works for as long as the tab is open,
 * and the app says so.
 */
export type StorageMode = 'persistent' | 'memory';

/** A browser that never answers the probe is treated like one that refuses it. */
const PROBE_TIMEOUT_MS = 3000;

/**
 * Probes IndexedDB once by opening `probe`, a database the caller opens next anyway (created with
 * its store, as idb-keyval would: a throwaway probe database cost a creation and a deletion at
 * every start). Where IndexedDB is unusable, installs an in-memory one in this global scope.
 */
export async function ensureStorage(probe: readonly [database: string, store: string]): Promise<StorageMode> {
  if (await canOpen(...probe)) return 'persistent';
  const { default: _factory, forceCloseDatabase: _close, ...globals } = await import('fake-indexeddb');
  // indexedDB, IDBKeyRange and the other IDB globals, replaced together: key ranges must come from the same implementation.
  for (const [name, value] of Object.entries(globals)) {
    Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  return 'memory';
}

async function canOpen(database: string, store: string): Promise<boolean> {
  // Typed as possibly missing: some browsers leave it undefined when storage is disabled.
  const factory = globalThis.indexedDB as IDBFactory | undefined;
  if (!factory) return false;
  let request: IDBOpenDBRequest;
  try {
    request = factory.open(database);
  } catch {
    return false;
  }
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
    const settle = (usable: boolean): void => {
      clearTimeout(timer);
      resolve(usable);
    };
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(store)) request.result.createObjectStore(store);
    };
    request.onsuccess = () => {
      request.result.close();
      settle(true);
    };
    request.onerror = () => settle(false);
    request.onblocked = () => settle(false);
  });
}
