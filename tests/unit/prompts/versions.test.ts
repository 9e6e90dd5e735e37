import { describe, expect, test } from 'vitest';
import { createTemplate, diffLines, latestVersion, revertTo, saveVersion } from '../../../src/lib/prompts/versions';

describe('template versions', () => {
  const first = createTemplate({ id: 't', name: ' Tips ', body: 'Give {{n:number}} tips', now: 1 });

  test('a new template starts at version 1', () => {
    expect(first).toMatchObject({ name: 'Tips', versions: [{ version: 1, body: 'Give {{n:number}} tips', createdAt: 1 }] });
  });

  test('each changed body is a new immutable version; unchanged bodies are not', () => {
    const second = saveVersion(first, { body: 'Give {{n:number}} short tips', now: 2 });
    expect(second.versions.map((version) => version.version)).toEqual([1, 2]);
    expect(first.versions).toHaveLength(1);
    expect(saveVersion(second, { body: 'Give {{n:number}} short tips', now: 3 })).toBe(second);
    const renamed = saveVersion(second, { name: 'Short tips', body: 'Give {{n:number}} short tips', now: 4 });
    expect(renamed.versions).toHaveLength(2);
    expect(renamed.name).toBe('Short tips');
  });

  test('revert creates a new version with the old text and says so', () => {
    const second = saveVersion(first, { body: 'changed', now: 2 });
    const third = revertTo(second, 1, 3);
    expect(latestVersion(third)).toEqual({ version: 3, body: 'Give {{n:number}} tips', createdAt: 3, note: 'Reverted to version 1' });
    expect(() => revertTo(third, 9, 4)).toThrow(/no version 9/);
  });

  test('an edit with a broken template is refused', () => {
    expect(() => saveVersion(first, { body: 'Give {{n', now: 2 })).toThrow(/not closed/);
  });
});

describe('diffLines', () => {
  test('marks removed, added and unchanged lines in order', () => {
    expect(diffLines('a\nb\nc', 'a\nB\nc\nd')).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'B' },
      { kind: 'same', text: 'c' },
      { kind: 'added', text: 'd' },
    ]);
    expect(diffLines('same', 'same')).toEqual([{ kind: 'same', text: 'same' }]);
  });
});
