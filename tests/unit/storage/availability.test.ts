import { afterEach, describe, expect, test } from 'vitest';
import { createStore, get, set } from 'idb-keyval';
import { ensureStorage } from '../../../src/lib/storage/availability';

const original = Object.getOwnPropertyDescriptor(globalThis, 'indexedDB');

function replaceIndexedDB(value: unknown): void {
  Object.defineProperty(globalThis, 'indexedDB', { value, configurable: true, writable: true });
}

afterEach(() => {
  if (original) Object.defineProperty(globalThis, 'indexedDB', original);
});

const PROBE = ['probe-db', 'probe-store'] as const;

describe('ensureStorage', () => {
  test('keeps a working IndexedDB, and leaves the probed database ready for its store', async () => {
    const before = globalThis.indexedDB;
    expect(await ensureStorage(PROBE)).toBe('persistent');
    expect(globalThis.indexedDB).toBe(before);
    const store = createStore(...PROBE);
    await set('key', 'value', store);
    expect(await get('key', store)).toBe('value');
    // A second start finds the database and its store as they are.
    expect(await ensureStorage(PROBE)).toBe('persistent');
    expect(await get('key', store)).toBe('value');
  });

  test.each([
    ['missing', undefined],
    ['throwing on open (a private mode)', { open: () => { throw new DOMException('denied', 'SecurityError'); } }],
    [
      'failing its request',
      {
        open: () => {
          const request: { onerror?: () => void } = {};
          setTimeout(() => request.onerror?.(), 0);
          return request;
        },
      },
    ],
  ])('%s: runs on an in-memory IndexedDB that works', async (_case, broken) => {
    replaceIndexedDB(broken);
    expect(await ensureStorage(PROBE)).toBe('memory');
    const factory = globalThis.indexedDB;
    expect(factory).not.toBe(broken);
    const opened = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open('works');
      request.onupgradeneeded = () => request.result.createObjectStore('s');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    expect([...opened.objectStoreNames]).toEqual(['s']);
    opened.close();
  });
});
