import { describe, expect, test } from 'vitest';
import { processTerm, stem, tokenize } from '../../../src/lib/rag/analyzer';
import { chunkDocument, type Chunk } from '../../../src/lib/rag/chunk';
import { addChunks, createIndex, loadIndex, searchIndex, serializeIndex } from '../../../src/lib/rag/lexical-index';
import { CORPUS, QUERIES } from './corpus';

function buildIndex() {
  const index = createIndex();
  const chunks = new Map<string, Chunk & { file: string }>();
  for (const [file, text] of Object.entries(CORPUS)) {
    const docChunks = chunkDocument(file, text, 'markdown');
    addChunks(index, docChunks, file);
    for (const chunk of docChunks) chunks.set(chunk.id, { ...chunk, file });
  }
  return { index, chunks };
}

describe('analyzer', () => {
  test('one stem for the forms of a word, in documents and queries alike', () => {
    expect(new Set(['store', 'stores', 'stored', 'storing'].map(stem))).toEqual(new Set(['stor']));
    expect(new Set(['index', 'indexes', 'indexed', 'indexing'].map(stem))).toEqual(new Set(['index']));
    expect(stem('batteries')).toBe(stem('battery'));
    expect(stem('running')).toBe('run');
    expect(stem('class')).toBe('class');
  });

  test('stop words drop out; identifiers split; CJK becomes character pairs', () => {
    expect(tokenize('The getTextContent() call, page_count=3!').flatMap((token) => processTerm(token) ?? [])).toEqual([
      'gettextcontent', 'get', 'text', 'content', 'call', 'pagecount', 'pag', 'count', '3',
    ]);
    expect(processTerm('東京都')).toEqual(['東京', '京都']);
    expect(processTerm('Café')).toBe('café');
  });
});

describe('ranking on a labelled query set', () => {
  const { index, chunks } = buildIndex();

  test('the corpus has the sections the queries are labelled with', () => {
    expect(chunks.size).toBeGreaterThanOrEqual(26);
    for (const { document, section } of QUERIES) {
      expect([...chunks.values()].some((chunk) => chunk.file === document && chunk.headingPath.at(-1) === section)).toBe(true);
    }
  });

  test.each(QUERIES)('"$query" finds $section in the top 3', ({ query, document, section }) => {
    const top = searchIndex(index, query, 3).map((hit) => chunks.get(hit.id)!);
    expect(top.map((chunk) => `${chunk.file} › ${chunk.headingPath.at(-1)}`)).toContain(`${document} › ${section}`);
  });

  test('most queries find their section first', () => {
    const first = QUERIES.filter(({ query, document, section }) => {
      const best = chunks.get(searchIndex(index, query, 1)[0]!.id)!;
      return best.file === document && best.headingPath.at(-1) === section;
    });
    expect(first.length / QUERIES.length).toBeGreaterThanOrEqual(0.8);
  });

  test('a serialised index ranks exactly as the original', () => {
    const reloaded = loadIndex(serializeIndex(index));
    for (const { query } of QUERIES) expect(searchIndex(reloaded, query, 5)).toEqual(searchIndex(index, query, 5));
  });

  test('a query of only stop words or of nothing known finds nothing', () => {
    expect(searchIndex(index, 'what is the', 5)).toEqual([]);
    expect(searchIndex(index, 'xylophone zeppelin', 5)).toEqual([]);
  });
});
