/**
 * The RAG library's public surface for the app. The index worker (index-worker.ts) holds the
 * rest: extraction (pdf.js included), chunking, MiniSearch and storage never load on the main
 * thread.
 */
export { RagLibrary, type OpenedCitation, type QueryOptions } from './library.svelte';
export { RagClient, spawnIndexWorker } from './client';
export type { RagApi, ScoredChunk, SourcedChunk } from './api';
export { buildPromptContext, DEFAULT_INSTRUCTIONS, type ContextCandidate, type ContextSource, type PromptContext } from './prompt-context';
export { citedSources, findCitations, resolveCitations, type CitationMark, type ResolvedCitation } from './citations';
export { DenseRanker, reciprocalRankFusion, type Embedder } from './fusion';
export { RagError, type PlainRagError, type RagErrorCode } from './errors';
export { ACCEPTED_EXTENSIONS } from './file-types';
export { RAG_LIMITS, RETRIEVAL_DEFAULTS } from './limits';
export { estimateTokens, type TokenCounter } from './tokens';
export { toRagFile, type AddResult, type Collection, type IndexProgress, type RagDocument, type RagFile, type TargetRef } from './types';
