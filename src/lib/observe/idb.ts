/**
 * One IndexedDB transaction whose steps depend on what earlier steps read, written as callbacks
 * so every request is queued while the transaction is still active (an `await` between requests
 * can let it commit early in some browsers). The promise settles when the transaction commits,
 * or rejects with the first error — and then nothing it wrote is kept.
 */
import type { UseStore } from 'idb-keyval';

export interface Transaction<T> {
  readonly store: IDBObjectStore;
  /** What the promise resolves with once the transaction commits. */
  result: T;
  /** Issues `request` and runs `then` with its result, still inside the transaction. */
  read<R>(request: IDBRequest<R>, then: (value: R) => void): void;
}

export function transact<T>(useStore: UseStore, mode: IDBTransactionMode, initial: T, body: (tx: Transaction<T>) => void): Promise<T> {
  return useStore(
    mode,
    (store) =>
      new Promise<T>((resolve, reject) => {
        let failure: unknown = null;
        const abort = (error: unknown): void => {
          failure ??= error;
          try {
            store.transaction.abort();
          } catch {
            // Already finished or aborting.
          }
        };
        const tx: Transaction<T> = {
          store,
          result: initial,
          read(request, then) {
            request.onsuccess = () => {
              try {
                then(request.result);
              } catch (error) {
                abort(error);
              }
            };
          },
        };
        store.transaction.oncomplete = () => resolve(tx.result);
        store.transaction.onabort = store.transaction.onerror = () => reject(failure ?? store.transaction.error);
        try {
          body(tx);
        } catch (error) {
          abort(error);
        }
      }),
  );
}

