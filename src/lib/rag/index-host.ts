/**
 * The index worker's message handler, apart from the worker so it can be tested without one:
 * `receive` takes plain objects. Every request gets exactly one answer, a result or an error
 * object; an add reports progress on the way and can be cancelled by id.
 */
import type { AddOptions, RagApi } from './api';
import { RagError } from './errors';
import { isToIndexWorker, type FromIndexWorker, type Params, type RagMethod, type RagRequest, type RequestOf, type Result } from './protocol';

type Handlers = { [M in RagMethod]: (params: Params<M>, options: AddOptions) => Promise<Result<M>> };

export interface RagHost {
  receive(data: unknown): Promise<void>;
}

export function createRagHost(post: (message: FromIndexWorker) => void, api: RagApi): RagHost {
  const running = new Map<number, AbortController>();
  const handlers: Handlers = {
    add: ({ target, files }, options) => api.add(target, files, options),
    remove: async ({ target, docIds }) => (await api.remove(target, docIds), null),
    documents: ({ target }) => api.documents(target),
    collections: () => api.collections(),
    createCollection: ({ name }) => api.createCollection(name),
    renameCollection: async ({ id, name }) => (await api.renameCollection(id, name), null),
    deleteTarget: async ({ target }) => (await api.deleteTarget(target), null),
    search: ({ targets, query, limit }) => api.search(targets, query, limit),
    chunks: ({ targets }) => api.chunks(targets),
    openDocument: ({ target, docId }) => api.openDocument(target, docId),
  };

  async function run<M extends RagMethod>(request: RequestOf<M>, options: AddOptions): Promise<void> {
    const handler = handlers[request.method] as Handlers[M];
    const result = await handler(request.params, options);
    // TypeScript cannot tie `method` and `result` together through the mapped type; they match by construction.
    post({ type: 'result', id: request.id, method: request.method, result } as FromIndexWorker);
  }

  return {
    async receive(data) {
      if (!isToIndexWorker(data)) return;
      if (data.type === 'cancel') {
        running.get(data.id)?.abort();
        return;
      }
      const request: RagRequest = data;
      const controller = new AbortController();
      running.set(request.id, controller);
      const options: AddOptions = {
        signal: controller.signal,
        onProgress: (progress) => post({ type: 'progress', id: request.id, progress }),
      };
      try {
        await run(request, options);
      } catch (error) {
        post({ type: 'error', id: request.id, error: RagError.from(error).toPlain() });
      } finally {
        running.delete(request.id);
      }
    },
  };
}
