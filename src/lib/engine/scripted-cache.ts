/**
 * The demo engine's model cache. Downloads are simulated, but what they leave behind is real:
 * one Cache API entry per "downloaded" shard, holding only the size it stands for. The page's
 * cache manager lists and deletes these exactly as it does WebLLM's caches, and a retried
 * download resumes from the shards already stored.
 */
export const SCRIPTED_CACHE_NAME = 'hearth-scripted/models';
const ORIGIN = 'https://scripted.hearth.invalid';
const SIZE_HEADER = 'x-simulated-bytes';

export interface ShardStore {
  /** Which of the model's shards (1-based) are stored. */
  storedShards(modelId: string): Promise<Set<number>>;
  putShard(modelId: string, shard: number, bytes: number): Promise<void>;
  /** Every stored model with the bytes its shards stand for. */
  list(): Promise<Map<string, number>>;
  remove(modelId: string): Promise<void>;
}

const shardUrl = (modelId: string, shard: number): string => `${ORIGIN}/${encodeURIComponent(modelId)}/shard-${shard}`;

function parseShardUrl(url: string): { modelId: string; shard: number } | null {
  const match = /^https:\/\/scripted\.hearth\.invalid\/([^/]+)\/shard-(\d+)$/.exec(url);
  return match?.[1] && match[2] ? { modelId: decodeURIComponent(match[1]), shard: Number(match[2]) } : null;
}

export class CacheApiShardStore implements ShardStore {
  #cache: Promise<Cache> | null = null;

  constructor(private readonly caches: CacheStorage) {}

  async storedShards(modelId: string): Promise<Set<number>> {
    const cache = await this.#open();
    const shards = new Set<number>();
    for (const request of await cache.keys()) {
      const parsed = parseShardUrl(request.url);
      if (parsed?.modelId === modelId) shards.add(parsed.shard);
    }
    return shards;
  }

  async putShard(modelId: string, shard: number, bytes: number): Promise<void> {
    const cache = await this.#open();
    await cache.put(shardUrl(modelId, shard), new Response('', { headers: { [SIZE_HEADER]: String(bytes) } }));
  }

  async list(): Promise<Map<string, number>> {
    const cache = await this.#open();
    const sizes = new Map<string, number>();
    const shards = await Promise.all(
      (await cache.keys()).map(async (request) => {
        const parsed = parseShardUrl(request.url);
        return parsed ? { modelId: parsed.modelId, response: await cache.match(request) } : null;
      }),
    );
    for (const shard of shards) {
      if (!shard?.response) continue;
      sizes.set(shard.modelId, (sizes.get(shard.modelId) ?? 0) + Number(shard.response.headers.get(SIZE_HEADER) ?? 0));
    }
    return sizes;
  }

  async remove(modelId: string): Promise<void> {
    const cache = await this.#open();
    for (const request of await cache.keys()) {
      if (parseShardUrl(request.url)?.modelId === modelId) await cache.delete(request);
    }
  }

  /** Opened once: a simulated download stores a shard at a time, and each open is a round trip. */
  #open(): Promise<Cache> {
    this.#cache ??= this.caches.open(SCRIPTED_CACHE_NAME);
    return this.#cache;
  }
}

/** For tests, and for browsers without the Cache API. */
export class MemoryShardStore implements ShardStore {
  readonly #shards = new Map<string, Map<number, number>>();

  async storedShards(modelId: string): Promise<Set<number>> {
    return new Set(this.#shards.get(modelId)?.keys());
  }

  async putShard(modelId: string, shard: number, bytes: number): Promise<void> {
    const shards = this.#shards.get(modelId) ?? new Map<number, number>();
    shards.set(shard, bytes);
    this.#shards.set(modelId, shards);
  }

  async list(): Promise<Map<string, number>> {
    return new Map([...this.#shards].map(([id, shards]) => [id, [...shards.values()].reduce((sum, bytes) => sum + bytes, 0)]));
  }

  async remove(modelId: string): Promise<void> {
    this.#shards.delete(modelId);
  }
}

export function defaultShardStore(): ShardStore {
  return typeof caches === 'undefined' ? new MemoryShardStore() : new CacheApiShardStore(caches);
}
