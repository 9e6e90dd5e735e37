/**
 * What the RAG library does, as one interface: implemented in-process by RagService (tests,
 * and inside the index worker) and across the worker boundary by RagClient (the app). The
 * rune class in library.svelte.ts is written against this interface only.
 */
import type { Chunk } from './chunk';
import type { AddResult, Collection, IndexProgress, RagDocument, RagFile, TargetRef } from './types';

export interface AddOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: IndexProgress) => void) | undefined;
}

/** A chunk with the document it comes from. */
export interface SourcedChunk {
  chunk: Chunk;
  document: RagDocument;
}

export interface ScoredChunk extends SourcedChunk {
  score: number;
}

export interface OpenedDocument {
  document: RagDocument;
  text: string;
}

export interface RagApi {
  /**
   * Extracts, chunks and indexes files, then stores them with the index in one transaction.
   * Files that cannot be read are reported in `failed`; the others are added. A cancelled or
   * failed run stores nothing.
   */
  add(target: TargetRef, files: RagFile[], options?: AddOptions): Promise<AddResult>;
  remove(target: TargetRef, docIds: string[]): Promise<void>;
  documents(target: TargetRef): Promise<RagDocument[]>;
  collections(): Promise<Collection[]>;
  createCollection(name: string): Promise<Collection>;
  renameCollection(id: string, name: string): Promise<void>;
  /** Deletes a conversation's documents (when the conversation is deleted) or a whole collection. */
  deleteTarget(target: TargetRef): Promise<void>;
  /** The best `limit` chunks for a query across the given targets, best first. */
  search(targets: TargetRef[], query: string, limit: number): Promise<ScoredChunk[]>;
  /** Every chunk of the given targets (for embedding). */
  chunks(targets: TargetRef[]): Promise<SourcedChunk[]>;
  openDocument(target: TargetRef, docId: string): Promise<OpenedDocument>;
}
