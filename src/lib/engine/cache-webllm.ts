/**
 * WebLLM's model cache. WebLLM keeps weights and tokenizers in the Cache API ("webllm/model"),
 * compiled model libraries in "webllm/wasm" and configs in "webllm/config". Completeness and
 * deletion use WebLLM's own functions; sizes come from the cached responses' lengths.
 * Imported lazily: it pulls in WebLLM's runtime.
 */
import { deleteModelAllInfoInCache, hasModelInCache, prebuiltAppConfig } from '@mlc-ai/web-llm';
import { browserStorageStatus, type CachedModel, type ModelCache, type StorageStatus } from './cache';

const MODEL_CACHE = 'webllm/model';

/** Mirrors WebLLM's cleanModelUrl: https://huggingface.co/org/model → …/model/resolve/main/ */
function modelPrefix(url: string): string {
  const withSlash = url.endsWith('/') ? url : `${url}/`;
  return /.+\/resolve\/.+\//.test(withSlash) ? withSlash : `${withSlash}resolve/main/`;
}

async function responseBytes(cache: Cache, request: Request): Promise<number> {
  const response = await cache.match(request);
  if (!response) return 0;
  const length = Number(response.headers.get('content-length'));
  // Responses stored without a length (rare) are measured; the blob is backed by disk, not read.
  return Number.isFinite(length) && length > 0 ? length : (await response.blob()).size;
}

export class WebLLMModelCache implements ModelCache {
  async list(): Promise<CachedModel[]> {
    if (typeof caches === 'undefined' || !(await caches.has(MODEL_CACHE))) return [];
    const cache = await caches.open(MODEL_CACHE);
    const requests = await cache.keys();
    const found: CachedModel[] = [];
    for (const record of prebuiltAppConfig.model_list) {
      const prefix = modelPrefix(record.model);
      const mine = requests.filter((request) => request.url.startsWith(prefix));
      if (mine.length === 0) continue;
      // Several ids share one repository (e.g. "-1k" context variants); count the files once per id anyway.
      const sizes = await Promise.all(mine.map((request) => responseBytes(cache, request)));
      found.push({
        id: record.model_id,
        bytes: sizes.reduce((sum, size) => sum + size, 0),
        complete: await hasModelInCache(record.model_id, prebuiltAppConfig).catch(() => false),
      });
    }
    return found;
  }

  async has(modelId: string): Promise<boolean> {
    if (typeof caches === 'undefined') return false;
    return hasModelInCache(modelId, prebuiltAppConfig).catch(() => false);
  }

  async delete(modelId: string): Promise<void> {
    await deleteModelAllInfoInCache(modelId, prebuiltAppConfig);
  }

  storage(): Promise<StorageStatus> {
    return browserStorageStatus();
  }
}
