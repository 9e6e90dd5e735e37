/**
 * SettingsRepository: whatever is stored under each setting's name — a valid value, a value of
 * the wrong shape, a record that is not a record at all, or one from another schema version —
 * load() returns each valid setting and the default for every other one, and never fails as a
 * whole (one bad record must not reset the user's other settings).
 */
import fc from 'fast-check';
import { promisifyRequest } from 'idb-keyval';
import { describe, expect, test } from 'vitest';
import { SCHEMA_VERSION } from '../../../src/lib/storage/schema';
import { DEFAULT_SETTINGS, SettingsRepository, type Settings } from '../../../src/lib/storage/settings';
import { awkwardText } from './arbitraries';
import { STORE_BACKENDS } from './backends';

const MODES = ['webllm', 'scripted'];
const SAMPLING_KEYS = ['temperature', 'top_p', 'max_tokens', 'seed', 'presence_penalty', 'frequency_penalty'];
const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/** The rules as documented in settings.ts, written out independently of its code. */
const valid: Record<keyof Settings, (value: unknown) => boolean> = {
  engine: (value) => typeof value === 'string' && MODES.includes(value),
  lastModels: (value) => isObject(value) && Object.entries(value).every(([mode, id]) => MODES.includes(mode) && typeof id === 'string'),
  sampling: (value) => isObject(value) && Object.entries(value).every(([key, number]) => SAMPLING_KEYS.includes(key) && typeof number === 'number' && Number.isFinite(number)),
  personaId: (value) => typeof value === 'string' && value.length > 0,
};

const goodValue = {
  engine: fc.constantFrom(...MODES),
  lastModels: fc.record({ webllm: awkwardText, scripted: awkwardText }, { requiredKeys: [], noNullPrototype: true }),
  sampling: fc.record(
    { temperature: fc.double({ min: 0, max: 2, noNaN: true }), max_tokens: fc.integer({ min: 1, max: 8192 }), seed: fc.integer() },
    { requiredKeys: [], noNullPrototype: true },
  ),
  personaId: awkwardText,
} satisfies Record<keyof Settings, fc.Arbitrary<unknown>>;

type Stored = { kind: 'absent' } | { kind: 'record'; record: unknown };

/** What might be found under a setting's name. */
const storedUnder = (name: keyof Settings): fc.Arbitrary<Stored> =>
  fc.oneof<fc.Arbitrary<Stored>[]>(
    fc.constant({ kind: 'absent' as const }),
    // A well-formed record, with a good value or any value at all.
    fc.oneof<fc.Arbitrary<unknown>[]>(goodValue[name], fc.anything()).map((value) => ({ kind: 'record' as const, record: { schema: SCHEMA_VERSION, value } })),
    // Not a record of this schema: anything, a record without a version, one from a newer Hearth.
    fc.anything().map((record) => ({ kind: 'record' as const, record })),
    goodValue[name].map((value) => ({ kind: 'record' as const, record: { value } })),
    goodValue[name].map((value) => ({ kind: 'record' as const, record: { schema: SCHEMA_VERSION + 1, value } })),
  );

const NAMES = Object.keys(DEFAULT_SETTINGS) as Array<keyof Settings>;

describe.each(STORE_BACKENDS)('SettingsRepository (%s)', (_name, freshStore) => {
  test('each valid stored setting is used, every other one falls back to its default, and load never fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(...NAMES.map(storedUnder)),
        fc.dictionary(awkwardText, fc.anything(), { maxKeys: 3 }),
        async (stored, strangers) => {
          const store = freshStore();
          await store('readwrite', (objectStore) => {
            NAMES.forEach((name, index) => {
              const item = stored[index] as Stored;
              if (item.kind === 'record') objectStore.put(item.record, name);
            });
            // Records under names this version does not know are ignored.
            for (const [key, value] of Object.entries(strangers)) if (!(key in DEFAULT_SETTINGS)) objectStore.put(value, key);
            return promisifyRequest(objectStore.transaction);
          });
          const expected: Record<string, unknown> = { ...DEFAULT_SETTINGS };
          NAMES.forEach((name, index) => {
            const item = stored[index] as Stored;
            if (item.kind !== 'record') return;
            const record = structuredClone(item.record);
            if (!isObject(record) || (record as { schema?: unknown }).schema !== SCHEMA_VERSION) return;
            const { value } = record as { value?: unknown };
            if (valid[name](value)) expected[name] = value;
          });
          expect(await new SettingsRepository(store).load()).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('what is set is what loads, whatever its text', async () => {
    await fc.assert(
      fc.asyncProperty(goodValue.personaId.filter((id) => id.length > 0), goodValue.lastModels, goodValue.sampling, async (personaId, lastModels, sampling) => {
        const repo = new SettingsRepository(freshStore());
        await repo.set('personaId', personaId);
        await repo.set('lastModels', lastModels);
        await repo.set('sampling', sampling);
        expect(await repo.load()).toStrictEqual({ ...DEFAULT_SETTINGS, personaId, lastModels, sampling });
      }),
      { numRuns: 60 },
    );
  });
});
