/**
 * A restore writes six databases one after another; IndexedDB has no transaction across them.
 * When a later one fails (here: the disk fills up), what the earlier ones wrote is taken back.
 */
import type { UseStore } from 'idb-keyval';
import { describe, expect, test } from 'vitest';
import { BackupError, createBackup, readBackup, restoreBackup, type ParsedBackup } from '../../../src/lib/backup';
import type { DatabaseName } from '../../../src/lib/backup/stores';
import type { ChatMessage } from '../../../src/lib/chat/types';
import { makeTrace } from '../observe/fakes';
import { dump, emptyWorld, FIXTURE_NOW, seededWorld, type World } from './world';

/** A store whose writes fail as a full disk does, once `full` is set. */
function fillable(): { full: Set<DatabaseName>; wrap: (name: DatabaseName, store: UseStore) => UseStore } {
  const full = new Set<DatabaseName>();
  const wrap =
    (name: DatabaseName, store: UseStore): UseStore =>
    (mode, callback) =>
      store(mode, (objectStore) => {
        if (mode !== 'readwrite' || !full.has(name)) return callback(objectStore);
        const failing = new Proxy(objectStore, {
          get(target, property) {
            if (property === 'put') {
              return () => {
                throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
              };
            }
            const value: unknown = Reflect.get(target, property);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
        return callback(failing);
      });
  return { full, wrap };
}

async function backupOf(world: World): Promise<ParsedBackup> {
  const { blob } = await createBackup(world.repos, { appVersion: '0.1.0', now: new Date(FIXTURE_NOW) });
  return readBackup(blob);
}

describe('a restore that fails part way leaves the browser as it was', () => {
  for (const failing of ['prompts', 'chats', 'rag', 'traces'] as const) {
    test(`into an empty browser, when writing ${failing} fails`, async () => {
      const backup = await backupOf(await seededWorld());
      const { full, wrap } = fillable();
      const world = emptyWorld(wrap);
      full.add(failing);
      const steps: string[] = [];
      const attempt = restoreBackup(world.repos, backup, { onStep: (step) => steps.push(step) });
      await expect(attempt).rejects.toThrow(BackupError);
      await expect(attempt).rejects.toThrow(/Nothing was restored: browser storage is full \(QuotaExceededError\)/);
      // Steps before the failing one did write (and were taken back).
      expect(steps[0]).toBe('settings');
      expect(Object.values(await dump(world)).flat()).toEqual([]);
    });
  }

  test('into a browser with data: merged messages, a new conversation and settings are all taken back when the traces fail', async () => {
    const source = await seededWorld();
    const [newest] = await source.repos.chats.listConversations();
    if (!newest) throw new Error('the fixture has conversations');
    const added: ChatMessage = { id: 'm-new', conversationId: newest.id, createdAt: newest.updatedAt + 10, role: 'user', content: 'One more question', status: 'complete' };
    await source.repos.chats.save({ ...newest, updatedAt: added.createdAt }, [added]);
    await source.repos.chats.save({ id: 'c-new', title: 'New here', createdAt: FIXTURE_NOW - 5, updatedAt: FIXTURE_NOW - 5 });
    await source.repos.traces.save(makeTrace({ id: 77, at: FIXTURE_NOW - 1000 }));
    const backup = await backupOf(source);

    const { full, wrap } = fillable();
    const world = emptyWorld(wrap);
    // The same data as the source had before the changes above.
    const seeded = await seededWorld();
    await copyInto(seeded, world);
    const before = await dump(world);
    full.add('traces');
    await expect(restoreBackup(world.repos, backup)).rejects.toThrow(/browser storage is full/);
    expect(await dump(world)).toEqual(before);

    // With room again, the same restore goes through.
    full.clear();
    const counts = await restoreBackup(world.repos, backup);
    expect(counts).toMatchObject({ conversations: { added: 1, merged: 1, unchanged: 1 }, messages: 1, traces: { added: 1, duplicates: 3 } });
    expect((await world.repos.chats.loadMessages(newest.id)).map((message) => message.id)).toContain('m-new');
  });
});

/** Copies every record of one world into another, as it is stored. */
async function copyInto(from: World, to: World): Promise<void> {
  const records = await dump(from);
  for (const [name, entries] of Object.entries(records) as Array<[DatabaseName, Array<{ key: IDBValidKey; value: unknown }>]>) {
    await to.stores[name]('readwrite', (store) => {
      for (const { key, value } of entries) store.put(value, key);
      return new Promise<void>((resolve, reject) => {
        store.transaction.oncomplete = () => resolve();
        store.transaction.onerror = () => reject(store.transaction.error);
      });
    });
  }
}
