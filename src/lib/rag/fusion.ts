/**
 * Optional hybrid ranking. When an embedding model is at hand (an `Embedder`, supplied from
 * outside this library), chunks are also ranked by cosine similarity to the query, and the
 * two rankings are combined by reciprocal rank fusion: robust to the very different score
 * scales of BM25 and cosine, and needs no tuning beyond k. Without an embedder, lexical alone.
 */
export interface Embedder {
  /** One vector per text, all of the same length. */
  embed(texts: string[]): Promise<Float32Array[]>;
}

export interface FusedHit {
  id: string;
  score: number;
}

/** k = 60, as in Cormack, Clarke and Büttcher (2009): dampens the weight of the very top ranks. */
export const RRF_K = 60;

/** Each ranking lists ids best first; an id's fused score is Σ 1 / (k + rank), rank from 1. */
export function reciprocalRankFusion(rankings: ReadonlyArray<readonly string[]>, k = RRF_K): FusedHit[] {
  const scores = new Map<string, number>();
  for (const ranking of rankings) {
    ranking.forEach((id, index) => scores.set(id, (scores.get(id) ?? 0) + 1 / (k + index + 1)));
  }
  // Ties keep the order of first appearance (the first ranking's order first): stable, predictable.
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}

export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < a.length; index++) {
    const x = a[index]!;
    const y = b[index]!;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/**
 * Ranks chunks by similarity to a query. Chunk vectors are computed once per chunk id and
 * kept in memory for this ranker's life (one embedding model: a new model needs a new ranker).
 */
export class DenseRanker {
  readonly #vectors = new Map<string, Float32Array>();
  /** Texts embedded per call: keeps each call to the model small enough to stay responsive. */
  static readonly BATCH = 32;

  constructor(private readonly embedder: Embedder) {}

  async rank(query: string, chunks: ReadonlyArray<{ id: string; text: string }>, limit: number): Promise<FusedHit[]> {
    const missing = chunks.filter((chunk) => !this.#vectors.has(chunk.id));
    for (let from = 0; from < missing.length; from += DenseRanker.BATCH) {
      const batch = missing.slice(from, from + DenseRanker.BATCH);
      const vectors = await this.embedder.embed(batch.map((chunk) => chunk.text));
      batch.forEach((chunk, index) => {
        const vector = vectors[index];
        if (vector) this.#vectors.set(chunk.id, vector);
      });
    }
    const [queryVector] = await this.embedder.embed([query]);
    if (!queryVector) return [];
    return chunks
      .map((chunk) => ({ id: chunk.id, score: cosine(queryVector, this.#vectors.get(chunk.id) ?? new Float32Array(0)) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
  }

  forget(ids: Iterable<string>): void {
    for (const id of ids) this.#vectors.delete(id);
  }
}
