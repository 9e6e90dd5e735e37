/** The library's public data: where documents belong, what is stored about them, what a search returns. */
import type { Chunk } from './chunk';
import type { PlainRagError } from './errors';
import type { DocumentKind } from './file-types';

/** Documents belong to one conversation, or to a named collection any conversation can use. */
export type TargetRef = { kind: 'conversation'; id: string } | { kind: 'collection'; id: string };

export const targetKey = (target: TargetRef): string => `${target.kind}:${target.id}`;

export interface Collection {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  documentCount: number;
}

export interface RagDocument {
  id: string;
  target: TargetRef;
  /** The file name as the user chose it. */
  name: string;
  kind: DocumentKind;
  /** Size of the file as added. */
  bytes: number;
  /** Length of the extracted text. */
  chars: number;
  chunkCount: number;
  addedAt: number;
  /** A hash of the file's bytes (SHA-256 where available): the same file is not added twice to one target. */
  contentHash: string;
  title: string | null;
  /** PDFs: offset in the text where each page starts. */
  pageStarts?: number[] | undefined;
  warnings: string[];
}

/** A file to add, as it crosses the worker boundary (a File's name is lost in structured cloning in some runtimes). */
export interface RagFile {
  name: string;
  type: string;
  blob: Blob;
}

export const toRagFile = (file: File): RagFile => ({ name: file.name, type: file.type, blob: file });

export interface AddResult {
  added: RagDocument[];
  /** Files that were refused, each with its reason; the others were added. */
  failed: PlainRagError[];
}

export type IndexPhase = 'reading' | 'extracting' | 'chunking' | 'indexing' | 'saving';

export interface IndexProgress {
  phase: IndexPhase;
  /** The file being worked on, when the phase is about one file. */
  fileName: string | null;
  /** From 0: files finished so far. */
  filesDone: number;
  fileCount: number;
  /** Bytes of the files finished so far, against all bytes to add. */
  bytesDone: number;
  bytesTotal: number;
  /** Overall, 0..1. */
  fraction: number;
}

/** A chunk as a search returns it: with its document and its place in the ranking. */
export interface RankedChunk {
  chunk: Chunk;
  document: Pick<RagDocument, 'id' | 'name' | 'kind' | 'target' | 'pageStarts'>;
  score: number;
}
