import { describe, expect, test } from 'vitest';
import { cosine, DenseRanker, reciprocalRankFusion, RRF_K, type Embedder } from '../../../src/lib/rag/fusion';

/** A fake embedding model: one dimension per known concept, so similarity is predictable. */
class FakeEmbedder implements Embedder {
  readonly concepts = ['coffee', 'milk', 'bear', 'vacation'];
  calls: string[][] = [];
  async embed(texts: string[]): Promise<Float32Array[]> {
    this.calls.push(texts);
    return texts.map((text) => Float32Array.from(this.concepts, (concept) => (text.toLowerCase().includes(concept) ? 1 : 0)));
  }
}

describe('reciprocal rank fusion', () => {
  test('scores are Σ 1/(k + rank); an item high in both rankings wins', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b', 'c'],
      ['b', 'c', 'd'],
    ]);
    expect(fused.map((hit) => hit.id)).toEqual(['b', 'c', 'a', 'd']);
    expect(fused[0]!.score).toBeCloseTo(1 / (RRF_K + 2) + 1 / (RRF_K + 1));
    expect(fused.find((hit) => hit.id === 'd')!.score).toBeCloseTo(1 / (RRF_K + 3));
  });

  test('one ranking alone keeps its order; ties keep first appearance', () => {
    expect(reciprocalRankFusion([['x', 'y', 'z']]).map((hit) => hit.id)).toEqual(['x', 'y', 'z']);
    expect(reciprocalRankFusion([['p'], ['q']]).map((hit) => hit.id)).toEqual(['p', 'q']);
    expect(reciprocalRankFusion([])).toEqual([]);
  });

  test('cosine similarity', () => {
    expect(cosine(Float32Array.of(1, 0), Float32Array.of(1, 0))).toBeCloseTo(1);
    expect(cosine(Float32Array.of(1, 0), Float32Array.of(0, 1))).toBe(0);
    expect(cosine(Float32Array.of(0, 0), Float32Array.of(1, 1))).toBe(0);
    expect(cosine(Float32Array.of(1), Float32Array.of(1, 1))).toBe(0);
  });
});

describe('dense ranking with a fake embedder', () => {
  const chunks = [
    { id: 'c1', text: 'Pull a coffee shot' },
    { id: 'c2', text: 'Steam the milk' },
    { id: 'c3', text: 'A bear was seen' },
  ];

  test('ranks by similarity and embeds each chunk only once across queries', async () => {
    const embedder = new FakeEmbedder();
    const ranker = new DenseRanker(embedder);
    expect((await ranker.rank('warm milk please', chunks, 2)).map((hit) => hit.id)[0]).toBe('c2');
    expect((await ranker.rank('bear safety', chunks, 1)).map((hit) => hit.id)).toEqual(['c3']);
    const chunkTexts = embedder.calls.flat().filter((text) => chunks.some((chunk) => chunk.text === text));
    expect(chunkTexts).toHaveLength(3);
    ranker.forget(['c1']);
    await ranker.rank('coffee', chunks, 1);
    expect(embedder.calls.flat().filter((text) => text === 'Pull a coffee shot')).toHaveLength(2);
  });

  test('fusing lexical and dense rankings promotes what both agree on', async () => {
    const ranker = new DenseRanker(new FakeEmbedder());
    const dense = (await ranker.rank('hot milk', chunks, 3)).map((hit) => hit.id);
    expect(dense).toEqual(['c2', 'c1', 'c3']);
    // Lexically, a chance word match put c3 first; the dense ranking strongly prefers c2.
    const lexical = ['c3', 'c2', 'c1'];
    expect(reciprocalRankFusion([lexical, dense]).map((hit) => hit.id)).toEqual(['c2', 'c3', 'c1']);
  });
});
