import type { UseStore } from 'idb-keyval';

/**
 * A store whose `put` throws (as IndexedDB does on a full disk) at the `failAt`-th put of a
 * transaction, while `armed()` says so: a failure in the middle of a write.
 */
export function failingStore(store: UseStore, failAt: number, armed: () => boolean = () => true): UseStore {
  return (mode, callback) =>
    store(mode, (objectStore) => {
      let puts = 0;
      const proxy = new Proxy(objectStore, {
        get(target, property) {
          if (property === 'put') {
            return (value: unknown, key?: IDBValidKey) => {
              puts++;
              if (armed() && puts === failAt) throw new DOMException('Simulated: the disk is full', 'QuotaExceededError');
              return target.put(value, key);
            };
          }
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
      return callback(proxy);
    });
}
