/**
 * The main thread's side of the index worker: the RagApi, each call one request matched to
 * its answer by id. The worker starts on the first call (its code loads only then), and if it
 * dies every pending call fails with 'worker-crashed' and the next call starts a fresh one.
 */
import type { AddOptions, OpenedDocument, RagApi, ScoredChunk, SourcedChunk } from './api';
import { RagError } from './errors';
import { isFromIndexWorker, type FromIndexWorker, type Params, type RagMethod, type RequestOf, type Result, type ToIndexWorker } from './protocol';
import type { AddResult, Collection, RagDocument, RagFile, TargetRef } from './types';

interface Pending {
  resolve(result: unknown): void;
  reject(error: RagError): void;
  onProgress: AddOptions['onProgress'];
}

export function spawnIndexWorker(): Worker {
  return new Worker(new URL('./index-worker.ts', import.meta.url), { type: 'module', name: 'hearth-rag-index' });
}

export class RagClient implements RagApi {
  #worker: Worker | null = null;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();

  constructor(private readonly spawn: () => Worker = spawnIndexWorker) {}

  add(target: TargetRef, files: RagFile[], options: AddOptions = {}): Promise<AddResult> {
    return this.#call('add', { target, files }, options);
  }
  async remove(target: TargetRef, docIds: string[]): Promise<void> {
    await this.#call('remove', { target, docIds });
  }
  documents(target: TargetRef): Promise<RagDocument[]> {
    return this.#call('documents', { target });
  }
  collections(): Promise<Collection[]> {
    return this.#call('collections', {});
  }
  createCollection(name: string): Promise<Collection> {
    return this.#call('createCollection', { name });
  }
  async renameCollection(id: string, name: string): Promise<void> {
    await this.#call('renameCollection', { id, name });
  }
  async deleteTarget(target: TargetRef): Promise<void> {
    await this.#call('deleteTarget', { target });
  }
  search(targets: TargetRef[], query: string, limit: number): Promise<ScoredChunk[]> {
    return this.#call('search', { targets, query, limit });
  }
  chunks(targets: TargetRef[]): Promise<SourcedChunk[]> {
    return this.#call('chunks', { targets });
  }
  openDocument(target: TargetRef, docId: string): Promise<OpenedDocument> {
    return this.#call('openDocument', { target, docId });
  }

  /** Ends the worker; pending calls fail, the next call starts a new worker. */
  dispose(): void {
    this.#fail(new RagError('worker-crashed', 'The index worker was stopped.'));
  }

  #call<M extends RagMethod>(method: M, params: Params<M>, options: AddOptions = {}): Promise<Result<M>> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(new RagError('cancelled', 'Indexing was cancelled; nothing was saved.'));
    const worker = this.#ensureWorker();
    const id = this.#nextId++;
    return new Promise<Result<M>>((resolve, reject) => {
      const onAbort = (): void => this.#post(worker, { type: 'cancel', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = (): void => signal?.removeEventListener('abort', onAbort);
      this.#pending.set(id, {
        resolve: (result) => {
          settle();
          resolve(result as Result<M>);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
        onProgress: options.onProgress,
      });
      const request: RequestOf<M> = { type: 'request', id, method, params };
      this.#post(worker, request as ToIndexWorker);
    });
  }

  #post(worker: Worker, message: ToIndexWorker): void {
    try {
      worker.postMessage(message);
    } catch (error) {
      // A value that cannot be cloned: the request never left, so it fails here.
      if (message.type === 'request') this.#settle({ type: 'error', id: message.id, error: RagError.from(error).toPlain() });
    }
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const worker = this.spawn();
    worker.onmessage = (event: MessageEvent) => {
      if (isFromIndexWorker(event.data)) this.#settle(event.data);
    };
    worker.addEventListener('error', (event: ErrorEvent) => {
      event.preventDefault();
      if (this.#worker === worker) this.#fail(new RagError('worker-crashed', `The index worker stopped: ${event.message || 'unknown error'}`));
    });
    this.#worker = worker;
    return worker;
  }

  #settle(message: FromIndexWorker): void {
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress') {
      pending.onProgress?.(message.progress);
      return;
    }
    this.#pending.delete(message.id);
    if (message.type === 'result') pending.resolve(message.result);
    else pending.reject(RagError.fromPlain(message.error));
  }

  #fail(error: RagError): void {
    this.#worker?.terminate();
    this.#worker = null;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const call of pending) call.reject(error);
  }
}
