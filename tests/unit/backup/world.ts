/**
 * A browser's worth of Hearth databases for backup tests: fresh stores per test, optionally
 * seeded with the frozen first-release fixture (every kind of record the app writes), and a raw
 * dump of every store to compare before and after.
 */
import { promisifyRequest, type UseStore } from 'idb-keyval';
import { backupRepositories, type BackupRepositories } from '../../../src/lib/backup';
import { BACKED_UP, type BackupStores, type DatabaseName } from '../../../src/lib/backup/stores';
import { memoryCoordination } from '../../../src/lib/guard/coordination';
import { DATABASES } from '../../../src/lib/storage/db';
import { STORAGE_V1, decodeFixtureValue } from '../../fixtures/storage-fixture';
import { freshStore } from '../helpers';

const DAY = 24 * 60 * 60 * 1000;
/** A day after the fixture was recorded, so its traces are within retention. */
export const FIXTURE_NOW = 1795611413507 + DAY;

export interface World {
  stores: BackupStores;
  repos: BackupRepositories;
}

export function emptyWorld(wrap: (name: DatabaseName, store: UseStore) => UseStore = (_name, store) => store): World {
  const stores = Object.fromEntries(BACKED_UP.map((name) => [name, wrap(name, freshStore(name))])) as BackupStores;
  const repos = backupRepositories(stores, {
    coordination: memoryCoordination(),
    clock: { now: () => FIXTURE_NOW },
    retention: { maxCount: 1000, maxAgeMs: 365 * DAY },
  });
  return { stores, repos };
}

/** The first release's data, written as that release stored it. */
export async function seededWorld(): Promise<World> {
  const world = emptyWorld();
  for (const name of BACKED_UP) {
    const [database, storeName] = DATABASES[name];
    const records = STORAGE_V1[database]?.[storeName] ?? [];
    await world.stores[name]('readwrite', (store) => {
      for (const record of records) store.put(decodeFixtureValue(record.value), record.key);
      return promisifyRequest(store.transaction);
    });
  }
  return world;
}

export type Dump = Record<DatabaseName, Array<{ key: IDBValidKey; value: unknown }>>;

/** Every record of every store, in key order. */
export async function dump(world: World): Promise<Dump> {
  const entries = await Promise.all(
    BACKED_UP.map(async (name) => {
      const [keys, values] = await world.stores[name]('readonly', (store) => Promise.all([promisifyRequest(store.getAllKeys()), promisifyRequest(store.getAll())]));
      return [name, keys.map((key, index) => ({ key, value: values[index] }))] as const;
    }),
  );
  return Object.fromEntries(entries) as Dump;
}

/** The records of a dump whose key starts with `kind`. */
export const recordsOf = (records: Dump[DatabaseName], kind: string): Array<{ key: IDBValidKey; value: unknown }> =>
  records.filter((record) => (Array.isArray(record.key) ? record.key[0] : record.key) === kind);
