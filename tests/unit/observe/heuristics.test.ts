import { describe, expect, test } from 'vitest';
import { groundedness } from '../../../src/lib/observe/eval/groundedness';
import { relevance } from '../../../src/lib/observe/eval/relevance';
import { contentWords, sentences, stem } from '../../../src/lib/observe/eval/text';

const CHUNKS = [
  { id: 'c1', text: 'The Eiffel Tower is 330 metres tall. It was completed in 1889 for the World Fair in Paris.' },
  { id: 'c2', text: 'Gustave Eiffel’s company designed and built the tower. It is made of wrought iron.' },
  { id: 'c3', text: 'IndexedDB stores structured data in the browser. Transactions keep writes atomic.' },
];

/** [label, answer, expected score] — judged by hand against CHUNKS. */
const GROUNDED: Array<[string, string, number]> = [
  ['fully supported', 'The Eiffel Tower is 330 metres tall. It was completed in 1889 for the World Fair.', 1],
  ['paraphrased from two chunks', 'Completed in 1889, the tower stands 330 metres tall.\n\nEiffel’s company built it from wrought iron.', 1],
  ['half invented', 'The Eiffel Tower is 330 metres tall. Napoleon personally painted it bright orange every spring.', 0.5],
  ['one of three supported', 'IndexedDB stores structured data in the browser. Cookies expire after seven days. LocalStorage holds five megabytes per origin.', 1 / 3],
  ['nothing supported', 'Bananas grow quickly in tropical climates. Monkeys enjoy eating ripe bananas.', 0],
];

describe('groundedness', () => {
  test.each(GROUNDED)('%s', (_label, answer, expected) => {
    expect(groundedness({ question: '', answer, chunks: CHUNKS }).score).toBeCloseTo(expected, 2);
  });

  test('filler sentences and fenced code are not judged', () => {
    const result = groundedness({ question: '', answer: 'Sure!\n\nThe Eiffel Tower is 330 metres tall.\n\n```js\nconsole.log(42)\n```\nHope that helps.', chunks: CHUNKS });
    expect(result.score).toBe(1);
    expect(result.details).toMatchObject({ judged: 1, supported: 1 });
  });

  test('details say which chunk supports each sentence', () => {
    const result = groundedness({ question: '', answer: 'It is made of wrought iron. Napoleon painted it orange.', chunks: CHUNKS });
    expect(result.details.sentences).toEqual([
      { text: 'It is made of wrought iron.', coverage: 1, chunkId: 'c2', supported: true },
      expect.objectContaining({ supported: false }),
    ]);
  });

  test('null without chunks, or without a sentence to judge', () => {
    expect(groundedness({ question: 'q', answer: 'The tower is tall.' }).score).toBeNull();
    expect(groundedness({ question: 'q', answer: 'The tower is tall.', chunks: [{ id: 'x', text: '  ' }] }).score).toBeNull();
    expect(groundedness({ question: 'q', answer: 'Sure!', chunks: CHUNKS }).score).toBeNull();
  });
});

/** [label, question, answer, expected score range] — judged by hand. */
const RELEVANCE: Array<[string, string, string, [number, number]]> = [
  ['on topic', 'How do I clear the browser cache in Chrome?', 'To clear the cache in Chrome, open Settings → Privacy and choose "Clear browsing data".', [1, 1]],
  ['inflected forms match', 'Why are my cached responses stale?', 'A response that was cached stays stale until the cache entry expires.', [1, 1]],
  ['partly on topic', 'What are the health benefits and risks of intermittent fasting for athletes?', 'Intermittent fasting can help with weight control.', [0.3, 0.7]],
  ['off topic', 'How do I bake sourdough bread?', 'The stock market closed higher today on strong earnings.', [0, 0]],
  ['refusal', 'How do I reset my router password?', "I'm sorry, but I can't help with resetting a router password.", [0.01, 0.25]],
  ['empty answer', 'What is the capital of France?', '   ', [0, 0]],
];

describe('answer relevance', () => {
  test.each(RELEVANCE)('%s', (_label, question, answer, [min, max]) => {
    const { score } = relevance({ question, answer });
    expect(score).toBeGreaterThanOrEqual(min);
    expect(score).toBeLessThanOrEqual(max);
  });

  test('ranks a relevant answer above an irrelevant one for every question', () => {
    const pairs: Array<[string, string, string]> = [
      ['What is WebGPU used for?', 'WebGPU is used for GPU compute and graphics in the browser.', 'Cats sleep for most of the day.'],
      ['Which port does PostgreSQL listen on?', 'PostgreSQL listens on port 5432 by default.', 'Use a strong password for your email.'],
      ['How long should I boil an egg?', 'Boil an egg for about nine minutes for a firm yolk.', 'Rust has a strict borrow checker.'],
    ];
    for (const [question, good, bad] of pairs) {
      expect(relevance({ question, answer: good }).score!).toBeGreaterThan(relevance({ question, answer: bad }).score!);
    }
  });

  test('null when the question has no content words; details explain the score', () => {
    expect(relevance({ question: 'Hi!', answer: 'Hello! How can I help?' }).score).toBeNull();
    expect(relevance({ question: 'Which port does Redis use?', answer: 'Redis uses port 6379.' }).details).toMatchObject({
      questionWords: ['port', 'redis'],
      matched: ['port', 'redis'],
      refusal: false,
    });
  });
});

describe('text helpers', () => {
  test('stemming maps inflections together and leaves other scripts alone', () => {
    expect(['cache', 'caches', 'cached', 'caching'].map(stem)).toEqual(['cach', 'cach', 'cach', 'cach']);
    expect(['running', 'runs', 'studies', 'studied', 'falling'].map(stem)).toEqual(['run', 'run', 'study', 'study', 'fall']);
    expect(stem('größe')).toBe('größe');
  });

  test('content words drop stop words, keep numbers', () => {
    expect(contentWords('What is the height of the Eiffel Tower in 2024?')).toEqual(['height', 'eiffel', 'tower', '2024']);
  });

  test('sentences split Markdown at punctuation, lines and list items', () => {
    expect(sentences('# Title\n- First point. Second point!\n1. Third\n**Bold** end?')).toEqual(['Title', 'First point.', 'Second point!', 'Third', 'Bold end?']);
  });
});
