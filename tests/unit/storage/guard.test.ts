import { promisifyRequest } from 'idb-keyval';
import { describe, expect, test } from 'vitest';
import { DEFAULT_LIMITS } from '../../../src/lib/config';
import { GuardRepository } from '../../../src/lib/storage/guard';
import { freshStore } from '../helpers';

describe('GuardRepository', () => {
  test('starts empty with the default limits', async () => {
    expect(await new GuardRepository(freshStore()).load()).toEqual({ limits: DEFAULT_LIMITS, ledger: null, bucket: null, cache: [], holds: {} });
  });

  test('stores records and answers together, and removes answers with their index entries', async () => {
    const repo = new GuardRepository(freshStore());
    const entry = { key: 'k', bytes: 5, storedAt: 1, usedAt: 1 };
    await repo.save({ cache: [entry], bucket: { tokens: 2, at: 3 }, holds: { remote: 9 } }, { put: { key: 'k', answer: { content: 'hello', storedAt: 1 } } });
    expect(await repo.load()).toMatchObject({ cache: [entry], bucket: { tokens: 2, at: 3 }, holds: { remote: 9 } });
    expect(await repo.answer('k')).toEqual({ content: 'hello', storedAt: 1 });
    await repo.save({ cache: [] }, { remove: ['k'] });
    expect(await repo.answer('k')).toBeUndefined();
  });

  test('a record in a shape it does not understand is ignored; invalid limits fall back one by one', async () => {
    const store = freshStore();
    await store('readwrite', (s) => {
      s.put({ schema: 1, value: { ...DEFAULT_LIMITS, tokensPerDay: -5, burst: 2, requestsPerMinute: null } }, 'limits');
      s.put({ schema: 1, value: { day: 3 } }, 'ledger');
      s.put({ schema: 1, value: 'full' }, 'bucket');
      s.put({ schema: 1, value: [{ key: 'ok', bytes: 1, storedAt: 1, usedAt: 1 }, { key: 7 }] }, 'cache-index');
      s.put({ schema: 1, value: { remote: 'soon' } }, 'holds');
      return promisifyRequest(s.transaction);
    });
    expect(await new GuardRepository(store).load()).toEqual({
      limits: { ...DEFAULT_LIMITS, burst: 2, requestsPerMinute: null },
      ledger: null,
      bucket: null,
      cache: [{ key: 'ok', bytes: 1, storedAt: 1, usedAt: 1 }],
      holds: {},
    });
  });
});
