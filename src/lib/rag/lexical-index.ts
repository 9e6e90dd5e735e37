/**
 * The lexical index: MiniSearch (BM25+) over chunks, with the analyzer of analyzer.ts. One
 * index per conversation or collection, serialised to JSON for storage so a reload does not
 * re-index. Chunk texts are not stored in the index (the document text holds them).
 */
import MiniSearch, { type Options, type SearchOptions } from 'minisearch';
import { processTerm, tokenize } from './analyzer';
import type { Chunk } from './chunk';

/** What MiniSearch indexes for a chunk. */
interface IndexedChunk {
  id: string;
  text: string;
  /** The heading path, so a query naming a section finds its chunks. */
  headings: string;
  /** The file name and title. */
  source: string;
}

export type LexicalIndex = MiniSearch<IndexedChunk>;

export interface LexicalHit {
  id: string;
  score: number;
}

const OPTIONS: Options<IndexedChunk> = {
  fields: ['text', 'headings', 'source'],
  storeFields: [],
  tokenize,
  processTerm,
  // Deleted chunks are vacuumed explicitly before an index is saved (see `removeChunks`).
  autoVacuum: false,
};

const SEARCH: SearchOptions = {
  boost: { headings: 1.6, source: 1.2 },
  combineWith: 'OR',
  // Prefixes and typos only for longer words, where they help more than they mislead, and
  // one edit at most: each widening multiplies the terms a query expands to (p99 latency).
  prefix: (term) => term.length >= 5,
  fuzzy: (term) => (term.length >= 7 ? 0.15 : false),
  maxFuzzy: 1,
  weights: { prefix: 0.35, fuzzy: 0.3 },
};

export function createIndex(): LexicalIndex {
  return new MiniSearch<IndexedChunk>(OPTIONS);
}

export function toIndexed(chunk: Chunk, sourceName: string): IndexedChunk {
  return { id: chunk.id, text: chunk.context ? `${chunk.context}${chunk.text}` : chunk.text, headings: chunk.headingPath.join(' '), source: sourceName };
}

export function addChunks(index: LexicalIndex, chunks: readonly Chunk[], sourceName: string): void {
  index.addAll(chunks.map((chunk) => toIndexed(chunk, sourceName)));
}

export async function removeChunks(index: LexicalIndex, ids: readonly string[]): Promise<void> {
  const present = ids.filter((id) => index.has(id));
  if (present.length === 0) return;
  index.discardAll(present);
  await index.vacuum();
}

export function searchIndex(index: LexicalIndex, query: string, limit: number): LexicalHit[] {
  return index
    .search(query, SEARCH)
    .slice(0, limit)
    .map((result) => ({ id: String(result.id), score: result.score }));
}

export function serializeIndex(index: LexicalIndex): string {
  return JSON.stringify(index);
}

export function loadIndex(json: string): LexicalIndex {
  return MiniSearch.loadJSON<IndexedChunk>(json, OPTIONS);
}
