/** Small builders shared by the RAG tests. */
import type { ScoredChunk } from '../../../src/lib/rag/api';
import type { RagDocument, RagFile, TargetRef } from '../../../src/lib/rag/types';

export const CONVERSATION: TargetRef = { kind: 'conversation', id: 'c1' };

export const ragFile = (name: string, content: string | Uint8Array, type = ''): RagFile => ({
  name,
  type,
  blob: new Blob([typeof content === 'string' ? content : content.slice()]),
});

export function doc(id: string, name = `${id}.md`, extra: Partial<RagDocument> = {}): RagDocument {
  return {
    id,
    target: CONVERSATION,
    name,
    kind: 'markdown',
    bytes: 100,
    chars: 100,
    chunkCount: 1,
    addedAt: 1,
    contentHash: `hash-${id}`,
    title: null,
    warnings: [],
    ...extra,
  };
}

/** A scored chunk of `text` at `start` in document `docId`. */
export function scored(docId: string, index: number, text: string, score: number, extra: { headingPath?: string[]; start?: number; context?: string; document?: Partial<RagDocument> } = {}): ScoredChunk {
  const start = extra.start ?? index * 1000;
  return {
    chunk: {
      id: `${docId}#${index}`,
      docId,
      index,
      start,
      end: start + text.length,
      text,
      headingPath: extra.headingPath ?? [],
      context: extra.context ?? '',
      tokens: Math.ceil(((extra.context ?? '') + text).length / 4),
    },
    document: doc(docId, `${docId}.md`, extra.document),
    score,
  };
}
