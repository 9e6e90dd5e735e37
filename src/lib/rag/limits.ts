/** The RAG library's defaults in one place: limits on input, chunk sizes, retrieval. */

export interface RagLimits {
  maxFileBytes: number;
  maxTextChars: number;
  maxFilesPerAdd: number;
  maxDocumentsPerTarget: number;
}

export const RAG_LIMITS: Readonly<RagLimits> = {
  /** Per file, as uploaded. Above this even text files make chunking and the prompt inspector slow. */
  maxFileBytes: 25 * 1024 * 1024,
  /** Extracted text per file (a PDF can expand well beyond its byte size in rare cases). */
  maxTextChars: 20 * 1024 * 1024,
  /** Files in one add: a picker or a drop with more is refused as a whole, before anything is read. */
  maxFilesPerAdd: 50,
  /** Documents in one conversation or collection. */
  maxDocumentsPerTarget: 500,
};

export interface ChunkOptions {
  /** Chunks aim at this many estimated tokens. */
  targetTokens: number;
  /** Tokens repeated from the end of one chunk at the start of the next in running prose. */
  overlapTokens: number;
  /** A code block is kept whole up to this size; beyond it, it is split at line breaks. */
  maxCodeTokens: number;
}

export const DEFAULT_CHUNK_OPTIONS: ChunkOptions = { targetTokens: 256, overlapTokens: 40, maxCodeTokens: 640 };

export const RETRIEVAL_DEFAULTS = {
  /** Chunks the ranking returns before the budget is applied. */
  topK: 6,
  /** Share of the model's context window the retrieved sources may take. */
  contextShare: 0.5,
} as const;
