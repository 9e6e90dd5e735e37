/**
 * Local RAG: indexing throughput on a generated 20 MB Markdown corpus (decode, chunk along
 * structure, MiniSearch BM25+), and query latency over 240 queries, each against a baseline
 * measured in the same run: for indexing, the bare tokenisation every index must do (same
 * analyzer, no chunking, no index); for queries, a linear scan of every chunk for the query's
 * words, the simplest search that needs no index at all. Runs in Node: the work is the same
 * pure code the index worker runs.
 */
import { test } from 'vitest';
import { processTerm, tokenize } from '../../src/lib/rag/analyzer';
import { chunkDocument, type Chunk } from '../../src/lib/rag/chunk';
import { addChunks, createIndex, loadIndex, searchIndex, serializeIndex } from '../../src/lib/rag/lexical-index';
import { generateCorpus } from '../fixtures/rag-corpus';
import { percentile, report } from './report';

const CORPUS_BYTES = 20 * 1024 * 1024;
const QUERIES = 240;
const TOP_K = 8;
const MB = 1024 * 1024;

const seconds = (from: number): number => (performance.now() - from) / 1000;

test('RAG: indexing throughput and query latency on a 20 MB corpus', () => {
  const corpus = generateCorpus(CORPUS_BYTES);
  const encoded = corpus.documents.map((document) => ({ name: document.name, bytes: new TextEncoder().encode(document.text) }));
  const totalMB = encoded.reduce((sum, document) => sum + document.bytes.length, 0) / MB;

  // Baseline: the analyzer alone over the raw text.
  let started = performance.now();
  let terms = 0;
  for (const { bytes } of encoded) {
    for (const token of tokenize(new TextDecoder().decode(bytes))) if (processTerm(token) !== null) terms++;
  }
  const tokeniseSeconds = seconds(started);

  // The real thing: decode, chunk, index.
  started = performance.now();
  const index = createIndex();
  const chunks: Chunk[] = [];
  let chunkSeconds = 0;
  for (const { name, bytes } of encoded) {
    const text = new TextDecoder().decode(bytes);
    const chunkStart = performance.now();
    const documentChunks = chunkDocument(name, text, 'markdown');
    chunkSeconds += seconds(chunkStart);
    addChunks(index, documentChunks, name);
    chunks.push(...documentChunks);
  }
  const indexSeconds = seconds(started);

  started = performance.now();
  const json = serializeIndex(index);
  const serialiseSeconds = seconds(started);
  started = performance.now();
  const reloaded = loadIndex(json);
  const loadSeconds = seconds(started);

  // Queries: one to four words, mostly from the mid-frequency band people actually search for.
  const queries = Array.from({ length: QUERIES }, () => {
    const length = 1 + Math.floor(corpus.random() * 4);
    return Array.from({ length }, () => corpus.vocabulary[50 + Math.floor(corpus.random() * 5000)]!).join(' ');
  });
  const latency = (run: (query: string) => unknown): number[] =>
    queries.map((query) => {
      const start = performance.now();
      run(query);
      return performance.now() - start;
    });
  searchIndex(reloaded, queries[0]!, TOP_K); // warm-up
  const indexed = latency((query) => searchIndex(reloaded, query, TOP_K));

  // Baseline: scan every chunk for each query word (lower-cased once, in advance, to be fair to it).
  const lowered = chunks.map((chunk) => chunk.text.toLowerCase());
  const scanned = latency((query) => {
    const words = query.toLowerCase().split(' ');
    const hits: Array<[number, number]> = [];
    lowered.forEach((text, position) => {
      let count = 0;
      for (const word of words) if (text.includes(word)) count++;
      if (count > 0) hits.push([position, count]);
    });
    return hits.sort((a, b) => b[1] - a[1]).slice(0, TOP_K);
  });

  report('RAG: local retrieval (20 MB generated Markdown, Node)', [
    {
      metric: `indexing throughput (decode + chunk + BM25+ index, ${corpus.documents.length} files, ${chunks.length} chunks)`,
      value: totalMB / indexSeconds,
      unit: 'MB/s',
      baseline: { label: `tokenisation alone (${(terms / 1e6).toFixed(1)} M terms)`, value: totalMB / tokeniseSeconds },
    },
    { metric: 'chunking alone', value: totalMB / chunkSeconds, unit: 'MB/s' },
    { metric: `time to index ${totalMB.toFixed(0)} MB`, value: indexSeconds, unit: 's' },
    { metric: 'reload: load the serialised index', value: loadSeconds, unit: 's', baseline: { label: 'index again from text', value: indexSeconds } },
    { metric: 'serialise the index', value: serialiseSeconds, unit: 's' },
    { metric: 'serialised index size', value: json.length / MB, unit: 'MB', baseline: { label: 'corpus', value: totalMB } },
    {
      metric: `query latency p50 (${QUERIES} queries, top ${TOP_K})`,
      value: percentile(indexed, 50),
      unit: 'ms',
      baseline: { label: 'linear scan of all chunks', value: percentile(scanned, 50) },
    },
    { metric: 'query latency p99', value: percentile(indexed, 99), unit: 'ms', baseline: { label: 'linear scan of all chunks', value: percentile(scanned, 99) } },
  ]);
});
