import { describe, expect, test } from 'vitest';
import { EARLIER_PAGE, OPEN_PAGE, earlierStart, firstShown } from '../../../src/lib/layout/message-window';

describe('message window', () => {
  test('a conversation opens with its newest page; a short one whole', () => {
    expect(firstShown(null, 2000)).toBe(2000 - OPEN_PAGE);
    expect(firstShown(null, 3)).toBe(0);
  });

  test('a chosen start stays put as messages arrive, and never passes the end', () => {
    expect(firstShown(1960, 2004)).toBe(1960);
    expect(firstShown(1960, 1000)).toBe(1000);
  });

  test('earlier pages step back to the first message and stop there', () => {
    expect(earlierStart(1960)).toBe(1960 - EARLIER_PAGE);
    expect(earlierStart(10)).toBe(0);
  });
});
