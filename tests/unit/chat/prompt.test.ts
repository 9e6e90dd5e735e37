import { describe, expect, test } from 'vitest';
import { answeredHistory, titleFrom } from '../../../src/lib/chat/prompt';
import type { ChatMessage } from '../../../src/lib/chat/types';

const msg = (role: ChatMessage['role'], content: string): ChatMessage => ({
  id: content,
  conversationId: 'c',
  createdAt: 0,
  role,
  content,
  status: 'complete',
});

describe('prompt', () => {
  test('answers that produced no text are left out of the history', () => {
    const history = [msg('user', 'q'), msg('assistant', ''), msg('user', 'q2'), msg('assistant', 'a')];
    expect(answeredHistory(history).map((message) => message.content)).toEqual(['q', 'q2', 'a']);
  });

  test('titles are one line and cut at a word', () => {
    expect(titleFrom('  hello\n\nworld ', 'New')).toBe('hello world');
    const title = titleFrom('Explain how the transformer attention mechanism works in simple words please', 'New');
    expect(title.endsWith('…')).toBe(true);
    expect(title.length).toBeLessThanOrEqual(49);
    expect(title).not.toMatch(/\s…$/);
    expect(titleFrom('x'.repeat(100), 'New')).toBe(`${'x'.repeat(48)}…`);
  });

  test('titles never split an emoji sequence or a surrogate pair', () => {
    const family = '👩‍👩‍👧‍👦'; // four people joined by zero-width joiners: one grapheme, 11 UTF-16 units
    const title = titleFrom(family.repeat(60), 'New');
    expect(title).toBe(`${family.repeat(48)}…`);
    expect(title.isWellFormed()).toBe(true);
    const flags = titleFrom('🇫🇷🇩🇪'.repeat(40), 'New');
    expect(flags.isWellFormed()).toBe(true);
    expect(flags.slice(0, -1).length % 4).toBe(0);
  });

  test('right-to-left text is kept; bidi overrides and invisible edges are not', () => {
    expect(titleFrom('שלום עולם, מה שלומך?', 'New')).toBe('שלום עולם, מה שלומך?');
    expect(titleFrom('\u202Egnp.exe\u202C invoice', 'New')).toBe('gnp.exe invoice');
    expect(titleFrom('\u200B\uFEFFhello\u200B', 'New')).toBe('hello');
    expect(titleFrom('\u200B\u200C\u2060 \n', 'New')).toBe('New');
  });

  test('a pasted book is titled from its first line at the cost of a sentence', () => {
    const book = `Chapter one ${'word '.repeat(1_000_000)}`;
    const title = titleFrom(book, 'New');
    expect(title.startsWith('Chapter one word')).toBe(true);
    expect(title.endsWith('…')).toBe(true);
  });
});
