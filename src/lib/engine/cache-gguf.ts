/**
 * GGUF models in this browser's storage (wllama keeps them in the Origin Private File System).
 * Entries are grouped back into models: the splits of one model, or the files opened together.
 */
import type { CacheManager } from '@wllama/wllama';
import { browserStorageStatus, type CachedModel, type ModelCache, type StorageStatus } from './cache';
import { GGUF_PREFIX, LOCAL_PREFIX, ggufFileKeys, localFileKey } from './gguf-ids';

const LOCAL_ORIGIN = localFileKey('');
const SPLIT_SUFFIX = /-(\d{5})-of-(\d{5})\.gguf$/i;

export class GgufModelCache implements ModelCache {
  constructor(private readonly cache: CacheManager) {}

  async list(): Promise<CachedModel[]> {
    const models = new Map<string, CachedModel>();
    for (const entry of await this.cache.list()) {
      const url = entry.metadata.originalURL;
      if (!url) continue;
      const id = modelIdForFile(url);
      const model = models.get(id) ?? { id, bytes: 0, complete: true };
      model.bytes += entry.size;
      model.complete &&= entry.size === entry.metadata.originalSize;
      models.set(id, model);
    }
    return [...models.values()];
  }

  async has(modelId: string): Promise<boolean> {
    const keys = ggufFileKeys(modelId);
    if (keys.length === 0) return false;
    for (const key of keys) {
      const blob = await this.cache.open(key);
      const metadata = await this.cache.getMetadata(await this.cache.getNameFromURL(key));
      if (!blob || (metadata && blob.size !== metadata.originalSize)) return false;
    }
    return true;
  }

  async delete(modelId: string): Promise<void> {
    for (const key of ggufFileKeys(modelId)) await this.cache.delete(key);
  }

  storage(): Promise<StorageStatus> {
    return browserStorageStatus();
  }
}

/** The model a stored file belongs to: splits map to their first part. */
function modelIdForFile(url: string): string {
  const first = url.replace(SPLIT_SUFFIX, (_, __, count: string) => `-00001-of-${count}.gguf`);
  if (url.startsWith(LOCAL_ORIGIN)) return `${GGUF_PREFIX}${LOCAL_PREFIX}${decodeURIComponent(first.slice(LOCAL_ORIGIN.length))}`;
  return `${GGUF_PREFIX}${first}`;
}

/** Real engines keep models in two places: WebLLM's Cache API caches and llama.cpp's files. */
export class CombinedModelCache implements ModelCache {
  constructor(
    private readonly mlc: ModelCache,
    private readonly gguf: ModelCache,
  ) {}

  async list(): Promise<CachedModel[]> {
    const [mlc, gguf] = await Promise.all([this.mlc.list(), this.gguf.list()]);
    return [...mlc, ...gguf];
  }

  has(modelId: string): Promise<boolean> {
    return this.#for(modelId).has(modelId);
  }

  delete(modelId: string): Promise<void> {
    return this.#for(modelId).delete(modelId);
  }

  storage(): Promise<StorageStatus> {
    return this.mlc.storage();
  }

  #for(modelId: string): ModelCache {
    return modelId.startsWith(GGUF_PREFIX) ? this.gguf : this.mlc;
  }
}
