import { describe, expect, test } from 'vitest';
import { chunkDocument, type Chunk } from '../../../src/lib/rag/chunk';
import type { DocumentKind } from '../../../src/lib/rag/file-types';
import type { ChunkOptions } from '../../../src/lib/rag/limits';

const SMALL: ChunkOptions = { targetTokens: 60, overlapTokens: 15, maxCodeTokens: 120 };

function chunks(text: string, kind: DocumentKind, options: ChunkOptions = SMALL): Chunk[] {
  const result = chunkDocument('doc', text, kind, options);
  // The invariant every citation relies on.
  for (const chunk of result) expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
  return result;
}

const sentence = (topic: string, index: number): string => `The ${topic} note number ${index} explains one more detail about ${topic}.`;
const paragraph = (topic: string, from: number, count: number): string =>
  Array.from({ length: count }, (_, index) => sentence(topic, from + index)).join(' ');

describe('Markdown', () => {
  const markdown = [
    '# Guide',
    '',
    'Welcome to the guide.',
    '',
    '## Install',
    '',
    '### Linux',
    '',
    'Run the installer from a terminal.',
    '',
    '```sh',
    'curl -O https://example.org/hearth.tar.gz',
    '',
    'tar xf hearth.tar.gz',
    '```',
    '',
    '### Windows',
    '',
    'Double-click the setup file.',
    '',
    'Usage',
    '-----',
    '',
    paragraph('usage', 1, 12),
    '',
  ].join('\n');

  test('chunks follow headings and carry their heading path', () => {
    const result = chunks(markdown, 'markdown');
    expect(result[0]).toMatchObject({ headingPath: ['Guide'], text: '# Guide\n\nWelcome to the guide.' });
    // "## Install" has nothing of its own before "### Linux": it is carried into the Linux chunk.
    expect(result[1]!.headingPath).toEqual(['Guide', 'Install', 'Linux']);
    expect(result[1]!.text.startsWith('## Install\n\n### Linux')).toBe(true);
    expect(result[2]).toMatchObject({ headingPath: ['Guide', 'Install', 'Windows'] });
    const usage = result.filter((chunk) => chunk.headingPath.join('/') === 'Guide/Usage');
    expect(usage.length).toBeGreaterThan(1);
    expect(usage[0]!.text.startsWith('Usage\n-----')).toBe(true);
  });

  test('a fenced code block is kept whole, blank lines and all; a # inside it is not a heading', () => {
    const code = '```py\n# not a heading\n\ndef f():\n    return 1\n```';
    const result = chunks(`# Code\n\n${code}\n\nAfter.`, 'markdown');
    expect(result.some((chunk) => chunk.text.includes(code))).toBe(true);
    expect(result.every((chunk) => chunk.headingPath.join() === 'Code')).toBe(true);
  });

  test('a code block larger than the code limit is split at line breaks, never mid-line', () => {
    const lines = Array.from({ length: 80 }, (_, index) => `const value${index} = compute(${index});`);
    const result = chunks(`# Big\n\n\`\`\`js\n${lines.join('\n')}\n\`\`\``, 'markdown');
    expect(result.length).toBeGreaterThan(2);
    for (const chunk of result.slice(1)) expect(chunk.text.split('\n').every((line) => line === '```' || line.startsWith('const') || line === '```js')).toBe(true);
  });

  test('chunks stay near the target size; long prose overlaps by whole sentences', () => {
    const text = `# Long\n\n${paragraph('alpha', 1, 30)}`;
    // Overlap is by whole sentences: room for one of these (about 17 tokens), not two.
    const result = chunks(text, 'markdown', { ...SMALL, overlapTokens: 20 });
    expect(result.length).toBeGreaterThan(3);
    for (const chunk of result) expect(chunk.tokens).toBeLessThanOrEqual(SMALL.targetTokens);
    for (let index = 1; index < result.length; index++) {
      const previous = result[index - 1]!;
      const current = result[index]!;
      expect(current.start).toBeLessThan(previous.end);
      expect(current.start).toBeGreaterThan(previous.start);
      // The overlap is a sentence that ends where the previous chunk ends.
      const overlap = text.slice(current.start, previous.end);
      expect(overlap).toMatch(/^The alpha note number \d+ explains one more detail about alpha\.$/);
    }
    // Together the chunks cover all of the text after the heading.
    expect(result.at(-1)!.end).toBe(text.length);
  });

  test('a chunk ends at a paragraph end rather than inside the next paragraph', () => {
    const text = [paragraph('one', 1, 4), paragraph('two', 1, 4), paragraph('three', 1, 4)].join('\n\n');
    const result = chunks(text, 'markdown', { targetTokens: 90, overlapTokens: 0, maxCodeTokens: 200 });
    for (const chunk of result) expect(chunk.text.endsWith('about one.') || chunk.text.endsWith('about two.') || chunk.text.endsWith('about three.')).toBe(true);
    expect(result.map((chunk) => chunk.text.slice(4, 8))).toEqual(['one ', 'two ', 'thre']);
  });

  test('a single enormous sentence is cut at spaces', () => {
    const text = Array.from({ length: 400 }, (_, index) => `word${index}`).join(' ');
    const result = chunks(text, 'text');
    expect(result.length).toBeGreaterThan(5);
    for (const chunk of result) {
      expect(chunk.tokens).toBeLessThanOrEqual(SMALL.targetTokens);
      expect(chunk.text).toMatch(/^word\d+( word\d+)*$/);
    }
  });
});

describe('other kinds', () => {
  test('plain text: # lines are not headings; paragraphs and lists chunk', () => {
    const text = `#hashtag and more\n\n- item one\n- item two\n\n${paragraph('plain', 1, 3)}`;
    const result = chunks(text, 'text');
    expect(result.every((chunk) => chunk.headingPath.length === 0)).toBe(true);
    expect(result[0]!.text.startsWith('#hashtag')).toBe(true);
  });

  test('CSV: rows grouped under the header, which is repeated as context; a quoted line break stays in its row', () => {
    const rows = Array.from({ length: 40 }, (_, index) => `${index},"Name ${index}","a note, with a comma${index === 5 ? '\nand a second line' : ''}"`);
    const text = `id,name,note\n${rows.join('\n')}\n`;
    const result = chunks(text, 'csv');
    expect(result.length).toBeGreaterThan(3);
    for (const chunk of result) {
      expect(chunk.context).toBe('id,name,note\n');
      expect(chunk.tokens).toBeLessThanOrEqual(SMALL.targetTokens);
      expect(chunk.text).toMatch(/^\d+,/);
      expect(chunk.text.endsWith('"')).toBe(true);
    }
    expect(result.some((chunk) => chunk.text.includes('with a comma\nand a second line"'))).toBe(true);
    // Every row is in exactly one chunk.
    expect(result.map((chunk) => chunk.text).join('\n')).toBe(rows.join('\n'));
  });

  test('code: blocks between blank lines stay together', () => {
    const fn = (name: string): string => `function ${name}(a, b) {\n  const sum = a + b;\n  return sum * 2;\n}`;
    const text = [fn('first'), fn('second'), fn('third'), fn('fourth')].join('\n\n');
    const result = chunks(text, 'code', { targetTokens: 40, overlapTokens: 10, maxCodeTokens: 80 });
    for (const chunk of result) expect(chunk.text.startsWith('function') && chunk.text.endsWith('}')).toBe(true);
  });

  test('chunk ids are unique, indexes run in order, and an empty text has no chunks', () => {
    const result = chunks(`# A\n\n${paragraph('x', 1, 20)}\n\n# B\n\n${paragraph('y', 1, 20)}`, 'markdown');
    expect(new Set(result.map((chunk) => chunk.id)).size).toBe(result.length);
    expect(result.map((chunk) => chunk.index)).toEqual(result.map((_, index) => index));
    expect(chunks('', 'markdown')).toEqual([]);
  });

  test('offsets round-trip on text with emoji, CRLF-free Unicode and odd spacing', () => {
    const text = `# Ünïcödé 👋\n\n${'Ça va? Très bien! 日本語の文章です。 '.repeat(40)}\n\n\n   indented line\n\ttabbed`;
    chunks(text, 'markdown');
    chunks(text, 'text');
  });
});
