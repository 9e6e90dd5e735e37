import { describe, expect, test } from 'vitest';
import { SCHEMA_VERSION, SchemaError, stamp, upgrade } from '../../../src/lib/storage/schema';

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
});
