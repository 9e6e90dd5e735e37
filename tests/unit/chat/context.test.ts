import { describe, expect, test } from 'vitest';
import { estimateMessageTokens, fitContext } from '../../../src/lib/chat/context';
import type { EngineMessage } from '../../../src/lib/engine/protocol';

const say = (role: EngineMessage['role'], words: number, tag = ''): EngineMessage => ({ role, content: `${tag}${'word '.repeat(words)}` });

describe('fitContext', () => {
  const system = say('system', 10);

  test('keeps everything when it fits', () => {
    const history = [say('user', 10), say('assistant', 10), say('user', 10)];
    const result = fitContext({ system, history, contextWindow: 4096, reserveForAnswer: 512 });
    expect(result).toMatchObject({ ok: true, dropped: [] });
    if (result.ok) expect(result.kept).toHaveLength(3);
  });

  test('drops the oldest turns first and never starts on an orphaned answer', () => {
    const history = Array.from({ length: 20 }, (_, index) => say(index % 2 === 0 ? 'user' : 'assistant', 40, `#${index} `));
    const result = fitContext({ system, history, contextWindow: 1024, reserveForAnswer: 256 });
    if (!result.ok) throw new Error(result.reason);
    expect(result.dropped.length).toBeGreaterThan(0);
    expect(result.kept[0]?.role).toBe('user');
    expect([...result.dropped, ...result.kept]).toEqual(history);
    expect(result.kept.at(-1)).toBe(history.at(-1));
    const used = estimateMessageTokens(system) + result.kept.reduce((sum, message) => sum + estimateMessageTokens(message), 0);
    expect(used).toBe(result.promptTokens);
    expect(used).toBeLessThanOrEqual(result.budget);
  });

  test('a question too long for the window is refused with the numbers', () => {
    const result = fitContext({ system, history: [say('user', 3000)], contextWindow: 1024, reserveForAnswer: 256 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/needs about \d+ tokens .* leaves about \d+ for the question/);
  });

  test('a huge max_tokens cannot take more than half the window', () => {
    const result = fitContext({ system, history: [say('user', 100)], contextWindow: 2048, reserveForAnswer: 100_000 });
    expect(result.ok).toBe(true);
    expect(result.budget).toBe(Math.floor(2048 * 0.9) - 1024);
  });
});
