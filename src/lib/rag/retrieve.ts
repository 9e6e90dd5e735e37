/**
 * The ranking for one query: lexical (BM25+) alone, or fused with embedding similarity when
 * a DenseRanker (an embedding model) is given.
 */
import type { RagApi, ScoredChunk, SourcedChunk } from './api';
import { reciprocalRankFusion, type DenseRanker } from './fusion';
import type { TargetRef } from './types';

/** Each ranking looks this much deeper than the final list, so fusion can promote what one ranking alone missed. */
const FUSION_DEPTH = 4;

export interface DenseOptions {
  ranker: DenseRanker;
  /** Every chunk of the targets; callers may cache it between queries (it is the whole library). */
  chunks: () => Promise<SourcedChunk[]>;
}

export async function retrieve(api: RagApi, targets: TargetRef[], query: string, limit: number, dense?: DenseOptions | null): Promise<ScoredChunk[]> {
  if (!dense) return api.search(targets, query, limit);
  const depth = Math.max(limit * FUSION_DEPTH, 20);
  const [lexical, all] = await Promise.all([api.search(targets, query, depth), dense.chunks()]);
  const semantic = await dense.ranker.rank(
    query,
    all.map(({ chunk }) => ({ id: chunk.id, text: chunk.context + chunk.text })),
    depth,
  );
  const byId = new Map<string, SourcedChunk>(all.map((item) => [item.chunk.id, item]));
  return reciprocalRankFusion([lexical.map((hit) => hit.chunk.id), semantic.map((hit) => hit.id)])
    .slice(0, limit)
    .flatMap(({ id, score }) => {
      const item = byId.get(id);
      return item ? [{ ...item, score }] : [];
    });
}
