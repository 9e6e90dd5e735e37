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
    expect(titleFrom('  hello\n\nworld ')).toBe('hello world');
    const title = titleFrom('Explain how the transformer attention mechanism works in simple words please');
    expect(title.endsWith('…')).toBe(true);
    expect(title.length).toBeLessThanOrEqual(49);
    expect(title).not.toMatch(/\s…$/);
    expect(titleFrom('x'.repeat(100))).toBe(`${'x'.repeat(48)}…`);
  });
});
