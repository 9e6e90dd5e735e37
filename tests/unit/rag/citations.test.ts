import { describe, expect, test } from 'vitest';
import { citedSources, findCitations, resolveCitations } from '../../../src/lib/rag/citations';
import { buildPromptContext } from '../../../src/lib/rag/prompt-context';
import { scored } from './fixtures';

const numbers = (answer: string): number[][] => findCitations(answer).map((mark) => mark.numbers);

describe('citation parsing', () => {
  test('single, grouped, adjacent and ranged citations, with their positions', () => {
    const answer = 'Descale often [1]. Use citric acid [2, 3]; rinse twice [2][3]. See also [1-3] and [4; 5].';
    const marks = findCitations(answer);
    expect(marks.map((mark) => mark.numbers)).toEqual([[1], [2, 3], [2], [3], [1, 2, 3], [4, 5]]);
    for (const mark of marks) expect(answer.slice(mark.start, mark.end)).toMatch(/^\[[\d,;\s–-]+\]$/);
    expect(answer.slice(marks[1]!.start, marks[1]!.end)).toBe('[2, 3]');
  });

  test('not in code spans or fenced code blocks', () => {
    const answer = 'Index with `items[0]` or `` a[1] `` here [1].\n\n```js\nconst x = list[2];\n```\n~~~\narr[3]\n~~~\nDone [2].';
    expect(numbers(answer)).toEqual([[1], [2]]);
  });

  test('not Markdown links, images, reference links, reference definitions or escaped brackets', () => {
    const answer = 'A [1](https://example.org) link, ![2](img.png), a [ref][3], \\[4] escaped, and a real one [5].\n[6]: https://example.org/ref';
    expect(numbers(answer)).toEqual([[5]]);
  });

  test('a citation followed by a colon mid-sentence is still a citation', () => {
    expect(numbers('As [1]: the tank holds 1.8 litres.')).toEqual([[1]]);
  });

  test('not zero, not absurd ranges, not words in brackets', () => {
    expect(numbers('[0] [3-1] [1-99] [note] [1.5] [12]')).toEqual([[12]]);
  });

  test('citations map to the sources given to the model; unknown numbers map to null', () => {
    const context = buildPromptContext([scored('guide', 0, 'Descale every two months.', 9), scored('faq', 0, 'Use citric acid.', 8)], {
      topK: 5,
      tokenBudget: 1000,
    });
    const answer = 'Every two months [1], with citric acid [2][7].';
    const resolved = resolveCitations(answer, context.sources);
    expect(resolved.map((citation) => citation.sources.map((source) => source?.chunk.id ?? null))).toEqual([['guide#0'], ['faq#0'], [null]]);
    expect(citedSources('Acid [2]. Often [1]. Acid again [2].', context.sources).map((source) => source.label)).toEqual([2, 1]);
  });
});
