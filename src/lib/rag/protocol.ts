/**
 * The index worker's message protocol. Each method declares its parameters and its result;
 * a request carries an id, and the worker answers it with progress messages (add only) and
 * then exactly one `result` or `error` with the same id. `cancel` asks the worker to stop a
 * request; the request then ends with the error code 'cancelled' (or with its result, if it
 * was already saving).
 */
import type { OpenedDocument, ScoredChunk, SourcedChunk } from './api';
import type { PlainRagError } from './errors';
import type { AddResult, Collection, IndexProgress, RagDocument, RagFile, TargetRef } from './types';

export interface RagMethods {
  add: { params: { target: TargetRef; files: RagFile[] }; result: AddResult };
  remove: { params: { target: TargetRef; docIds: string[] }; result: null };
  documents: { params: { target: TargetRef }; result: RagDocument[] };
  collections: { params: Record<string, never>; result: Collection[] };
  createCollection: { params: { name: string }; result: Collection };
  renameCollection: { params: { id: string; name: string }; result: null };
  deleteTarget: { params: { target: TargetRef }; result: null };
  search: { params: { targets: TargetRef[]; query: string; limit: number }; result: ScoredChunk[] };
  chunks: { params: { targets: TargetRef[] }; result: SourcedChunk[] };
  openDocument: { params: { target: TargetRef; docId: string }; result: OpenedDocument };
}

export type RagMethod = keyof RagMethods;
export type Params<M extends RagMethod> = RagMethods[M]['params'];
export type Result<M extends RagMethod> = RagMethods[M]['result'];

export type RequestOf<M extends RagMethod> = { type: 'request'; id: number; method: M; params: Params<M> };
export type RagRequest = { [M in RagMethod]: RequestOf<M> }[RagMethod];
export interface CancelMessage {
  type: 'cancel';
  /** The id of the request to cancel. */
  id: number;
}
export type ToIndexWorker = RagRequest | CancelMessage;

export interface ProgressMessage {
  type: 'progress';
  id: number;
  progress: IndexProgress;
}
export type ResultOf<M extends RagMethod> = { type: 'result'; id: number; method: M; result: Result<M> };
export type ResultMessage = { [M in RagMethod]: ResultOf<M> }[RagMethod];
export interface ErrorMessage {
  type: 'error';
  id: number;
  error: PlainRagError;
}
export type FromIndexWorker = ProgressMessage | ResultMessage | ErrorMessage;

const METHODS: ReadonlySet<string> = new Set<RagMethod>([
  'add', 'remove', 'documents', 'collections', 'createCollection', 'renameCollection', 'deleteTarget', 'search', 'chunks', 'openDocument',
]);

/** Only the shape that routing depends on is checked; parameters are the sender's (our own client's) business. */
export function isToIndexWorker(data: unknown): data is ToIndexWorker {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as { type?: unknown; id?: unknown; method?: unknown; params?: unknown };
  if (typeof message.id !== 'number') return false;
  if (message.type === 'cancel') return true;
  return message.type === 'request' && typeof message.method === 'string' && METHODS.has(message.method) && typeof message.params === 'object' && message.params !== null;
}

export function isFromIndexWorker(data: unknown): data is FromIndexWorker {
  if (typeof data !== 'object' || data === null) return false;
  const message = data as { type?: unknown; id?: unknown };
  return typeof message.id === 'number' && (message.type === 'progress' || message.type === 'result' || message.type === 'error');
}
