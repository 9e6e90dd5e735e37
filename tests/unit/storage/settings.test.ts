import { promisifyRequest } from 'idb-keyval';
import { describe, expect, test } from 'vitest';
import { DEFAULT_SETTINGS, SettingsRepository } from '../../../src/lib/storage/settings';
import { freshStore } from '../helpers';

describe('SettingsRepository', () => {
  test('starts from defaults and remembers what is set', async () => {
    const repo = new SettingsRepository(freshStore());
    expect(await repo.load()).toEqual(DEFAULT_SETTINGS);
    await repo.set('engine', 'scripted');
    await repo.set('lastModels', { webllm: 'Llama-3.2-1B-Instruct-q4f16_1-MLC' });
    await repo.set('seed', 42);
    expect(await repo.load()).toEqual({ engine: 'scripted', lastModels: { webllm: 'Llama-3.2-1B-Instruct-q4f16_1-MLC' }, seed: 42 });
  });

  test('ignores unknown names and values of the wrong shape', async () => {
    const store = freshStore();
    await store('readwrite', (s) => {
      s.put({ schema: 1, value: 'quantum' }, 'engine');
      s.put({ schema: 1, value: { webllm: 42 } }, 'lastModels');
      s.put({ schema: 1, value: true }, 'somethingElse');
      s.put({ schema: 1, value: 1.5 }, 'seed');
      return promisifyRequest(s.transaction);
    });
    expect(await new SettingsRepository(store).load()).toEqual(DEFAULT_SETTINGS);
  });
});
