import { describe, expect, test } from 'vitest';
import { buildPromptContext, DEFAULT_INSTRUCTIONS, pageOf } from '../../../src/lib/rag/prompt-context';
import { estimateTokens } from '../../../src/lib/rag/tokens';
import { scored } from './fixtures';

const words = (count: number, word = 'word'): string => Array.from({ length: count }, () => word).join(' ');

describe('prompt context', () => {
  const ranked = [
    scored('guide', 0, 'Descale every two months.', 9, { headingPath: ['Care', 'Descaling'] }),
    scored('faq', 3, 'Use citric acid.', 7),
    scored('notes', 1, 'Limescale slows the flow.', 5),
  ];

  test('numbered sources with their labels, in ranking order, after the instructions', () => {
    const context = buildPromptContext(ranked, { topK: 5, tokenBudget: 1000 });
    expect(context.block).toBe(
      [
        DEFAULT_INSTRUCTIONS,
        '[1] guide.md › Care › Descaling\nDescale every two months.',
        '[2] faq.md\nUse citric acid.',
        '[3] notes.md\nLimescale slows the flow.',
      ].join('\n\n'),
    );
    expect(context.sources.map((source) => [source.label, source.chunk.id, source.truncated])).toEqual([
      [1, 'guide#0', false],
      [2, 'faq#3', false],
      [3, 'notes#1', false],
    ]);
    expect(context.tokens).toBeGreaterThanOrEqual(estimateTokens(context.block));
    expect(context.candidates.every((candidate) => candidate.included)).toBe(true);
  });

  test('only the top k are considered', () => {
    const context = buildPromptContext(ranked, { topK: 2, tokenBudget: 1000 });
    expect(context.sources).toHaveLength(2);
    expect(context.candidates).toHaveLength(2);
  });

  test('stays within the budget: a chunk that does not fit is skipped whole, and smaller ones after it still fit', () => {
    const big = [
      scored('a', 0, words(40, 'alpha'), 9),
      scored('b', 0, words(400, 'beta'), 8),
      scored('c', 0, words(30, 'gamma'), 7),
    ];
    for (const budget of [150, 200, 260, 300]) {
      const context = buildPromptContext(big, { topK: 5, tokenBudget: budget });
      expect(estimateTokens(context.block)).toBeLessThanOrEqual(budget);
      expect(context.sources.every((source) => !source.truncated)).toBe(true);
      // Every included chunk is whole.
      for (const source of context.sources) expect(context.block).toContain(source.chunk.text);
    }
    const context = buildPromptContext(big, { topK: 5, tokenBudget: 200 });
    expect(context.candidates.map((candidate) => [candidate.chunk.docId, candidate.status, candidate.label])).toEqual([
      ['a', 'included', 1],
      ['b', 'over-budget', null],
      ['c', 'included', 2],
    ]);
  });

  test('only when the best chunk alone exceeds the budget is it cut, at a word, and marked', () => {
    const context = buildPromptContext([scored('huge', 0, words(1000, 'lorem'), 9), scored('small', 0, 'tiny', 8)], { topK: 5, tokenBudget: 200 });
    expect(context.sources).toHaveLength(1);
    const [source] = context.sources;
    expect(source!.truncated).toBe(true);
    expect(source!.text).toMatch(/^lorem( lorem)* …$/);
    expect(estimateTokens(context.block)).toBeLessThanOrEqual(200);
    expect(context.candidates[1]!.status).toBe('over-budget');
  });

  test('a custom token counter is respected', () => {
    const countWords = (text: string): number => text.split(/\s+/).filter(Boolean).length * 2;
    const context = buildPromptContext([scored('a', 0, words(500), 9)], { topK: 1, tokenBudget: 300, countTokens: countWords });
    expect(countWords(context.block)).toBeLessThanOrEqual(300);
    expect(context.sources[0]!.truncated).toBe(true);
  });

  test('chunks the user switched off are left out and labels close up', () => {
    const context = buildPromptContext(ranked, { topK: 5, tokenBudget: 1000, excluded: new Set(['faq#3']) });
    expect(context.sources.map((source) => [source.label, source.chunk.id])).toEqual([
      [1, 'guide#0'],
      [2, 'notes#1'],
    ]);
    expect(context.candidates.find((candidate) => candidate.chunk.id === 'faq#3')).toMatchObject({ included: false, status: 'excluded', label: null });
  });

  test('the same text twice (same file in two places, or a chunk inside another) is inserted once', () => {
    const context = buildPromptContext(
      [scored('a', 0, 'Same words.', 9), scored('b', 0, 'Same words.', 8), scored('a', 1, 'words', 7, { start: 5 })],
      { topK: 5, tokenBudget: 1000 },
    );
    expect(context.sources).toHaveLength(1);
    expect(context.candidates.map((candidate) => candidate.status)).toEqual(['included', 'duplicate', 'duplicate']);
  });

  test('CSV header context is inserted before the rows; PDF chunks say their page', () => {
    const csv = scored('table', 0, '1,Ada', 9, { context: 'id,name\n' });
    const pdf = scored('paper', 0, 'On page two.', 8, { start: 150, document: { name: 'paper.pdf', kind: 'pdf', pageStarts: [0, 100, 200] } });
    const context = buildPromptContext([csv, pdf], { topK: 5, tokenBudget: 1000 });
    expect(context.block).toContain('[1] table.md\nid,name\n1,Ada');
    expect(context.block).toContain('[2] paper.pdf (page 2)\nOn page two.');
    expect(pageOf([0, 100, 200], 250)).toBe(3);
    expect(pageOf(undefined, 5)).toBeNull();
  });

  test('nothing retrieved, or a budget too small even for the instructions: an empty block', () => {
    expect(buildPromptContext([], { topK: 5, tokenBudget: 1000 })).toMatchObject({ block: '', tokens: 0, sources: [] });
    const tiny = buildPromptContext(ranked, { topK: 5, tokenBudget: 10 });
    expect(tiny.block).toBe('');
    expect(tiny.candidates.every((candidate) => candidate.status === 'over-budget')).toBe(true);
  });
});
