import { describe, expect, test } from 'vitest';
import { SCHEMA_VERSION, SchemaError, stamp, upgrade, upgradeWith, type Migration } from '../../../src/lib/storage/schema';
import { STORAGE_V1 } from '../../fixtures/storage-fixture';

describe('schema', () => {
  test('stamps records with the current version and reads them back unchanged', () => {
    const record = stamp({ id: 'a' });
    expect(record).toEqual({ id: 'a', schema: SCHEMA_VERSION });
    expect(upgrade(record, 'thing')).toEqual({ id: 'a' });
  });

  test('refuses non-objects, unknown old versions and newer versions with clear messages', () => {
    expect(() => upgrade('text', 'conversation')).toThrow(SchemaError);
    expect(() => upgrade({ id: 'a' }, 'conversation')).toThrow(/schema 0/);
    expect(() => upgrade({ schema: SCHEMA_VERSION + 1 }, 'message')).toThrow(/newer version/);
  });

  test('old records pass through every migration in order, up to the current version', () => {
    // A hypothetical schema 3: v1→v2 renames `title` to `name`, v2→v3 adds `tags`.
    const migrations: Record<number, Migration> = {
      1: ({ title, ...rest }) => ({ ...rest, name: title }),
      2: (record) => ({ ...record, tags: [] }),
    };
    expect(upgradeWith({ id: 'a', title: 'Hi', schema: 1 }, 'conversation', migrations, 3)).toEqual({ id: 'a', name: 'Hi', tags: [] });
    expect(upgradeWith({ id: 'a', name: 'Hi', schema: 2 }, 'conversation', migrations, 3)).toEqual({ id: 'a', name: 'Hi', tags: [] });
    expect(() => upgradeWith({ id: 'a', schema: 0 }, 'conversation', migrations, 3)).toThrow(/schema 0/);
  });

  test('every record of the first released schema is at version 1, so migrations start there', () => {
    const versions = new Set(
      Object.values(STORAGE_V1)
        .flatMap((stores) => Object.values(stores).flat())
        .map((record) => (record.value as { schema?: number }).schema),
    );
    expect(versions).toEqual(new Set([1]));
  });
});
