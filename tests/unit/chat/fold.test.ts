import { describe, expect, test } from 'vitest';
import { fold } from '../../../src/lib/chat/fold';

describe('fold', () => {
  test('short text is not folded', () => {
    expect(fold('hello', 10)).toBeNull();
    expect(fold('x'.repeat(10), 10)).toBeNull();
  });

  test('long text shows its start, cut at a nearby line break, and counts the rest', () => {
    const text = `${'a'.repeat(90)}\n${'b'.repeat(200)}`;
    expect(fold(text, 100)).toEqual({ preview: 'a'.repeat(90), hiddenChars: text.length - 90 });
  });

  test('without a break nearby the cut is at the limit, never inside a surrogate pair', () => {
    const text = `${'x'.repeat(99)}😀${'y'.repeat(50)}`;
    const folded = fold(text, 100)!;
    expect(folded.preview).toBe('x'.repeat(99));
    expect(folded.preview.isWellFormed()).toBe(true);
    expect(folded.preview.length + folded.hiddenChars).toBe(text.length);
  });
});
