/**
 * The demo engine's model cache (see scripted-cache.ts). With `?quota=<MB>` it also pretends
 * the browser grants only that much storage, so "will not fit" paths can be tried for real.
 */
import { browserStorageStatus, type CachedModel, type ModelCache, type StorageStatus } from './cache';
import { CacheApiShardStore, MemoryShardStore, type ShardStore } from './scripted-cache';

export class ScriptedModelCache implements ModelCache {
  readonly #store: ShardStore;

  constructor(
    private readonly sizeOf: (modelId: string) => number,
    private readonly simulatedQuotaBytes: number | null = null,
    store?: ShardStore,
  ) {
    this.#store = store ?? (typeof caches === 'undefined' ? new MemoryShardStore() : new CacheApiShardStore(caches));
  }

  async list(): Promise<CachedModel[]> {
    const stored = await this.#store.list();
    return [...stored].map(([id, bytes]) => ({ id, bytes, complete: bytes >= this.sizeOf(id) * 0.999 }));
  }

  async has(modelId: string): Promise<boolean> {
    return (await this.list()).some((model) => model.id === modelId && model.complete);
  }

  delete(modelId: string): Promise<void> {
    return this.#store.remove(modelId);
  }

  async storage(): Promise<StorageStatus> {
    const real = await browserStorageStatus();
    if (this.simulatedQuotaBytes === null) return real;
    const simulatedUsage = (await this.list()).reduce((sum, model) => sum + model.bytes, 0);
    return { ...real, usageBytes: simulatedUsage, quotaBytes: this.simulatedQuotaBytes };
  }
}
