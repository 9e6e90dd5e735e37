/**
 * What the model picker shows: the catalog ranked for this device, what is downloaded, and
 * how much storage is used and left. Created when the picker first opens, because the catalog
 * and the cache backends are loaded lazily.
 */
import type { CachedModel, ModelCache, StorageStatus } from './cache';
import { requestPersistentStorage } from './cache';
import type { EngineHost } from './engine.svelte';
import { allCatalogEntries } from './gguf-catalog';
import { ggufDisplayName, isGgufModelId } from './gguf-ids';
import { filterModels, rankModels, type CatalogEntry, type Fit, type ModelFilter } from './models';
import { SCRIPTED_MODEL_BYTES, SCRIPTED_MODEL_ID } from './scripted';
import { SIMULATED_DEVICE } from './webgpu';

export type RankedEntry = CatalogEntry & { fit: Fit };

/** The demo engine's own model, listed first when the demo engine runs. */
const DEMO_ENTRY: CatalogEntry = {
  id: SCRIPTED_MODEL_ID,
  format: 'mlc',
  url: '',
  family: 'Demo',
  parameters: null,
  parameterCount: null,
  quantization: 'scripted',
  vramMB: 0,
  downloadBytes: SCRIPTED_MODEL_BYTES,
  contextWindow: 4096,
  lowResource: true,
  needsShaderF16: false,
  bufferBytesRequired: null,
};

/** A model's catalog entry (the demo's own model included), without opening the library. */
export async function catalogEntry(modelId: string): Promise<CatalogEntry | undefined> {
  if (modelId === SCRIPTED_MODEL_ID) return DEMO_ENTRY;
  const { default: records } = await import('virtual:model-catalog');
  return allCatalogEntries(records).find((entry) => entry.id === modelId);
}

export class ModelLibrary {
  entries: RankedEntry[] = $state.raw([]);
  downloaded: ReadonlyMap<string, CachedModel> = $state.raw(new Map());
  storage: StorageStatus | null = $state(null);
  filter: ModelFilter = $state({ query: '', fitsOnly: true, downloadedOnly: false, family: null });
  loading = $state(true);
  error: string | null = $state(null);

  readonly visible: RankedEntry[] = $derived(filterModels(this.entries, this.filter, new Set(this.downloaded.keys())));
  readonly families: string[] = $derived([...new Set(this.entries.map((entry) => entry.family))].sort());

  readonly #host: EngineHost;

  constructor(host: EngineHost) {
    this.#host = host;
  }

  async refresh(): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const [{ default: records }, cache] = await Promise.all([import('virtual:model-catalog'), this.#host.cache()]);
      const device = this.#host.device ?? SIMULATED_DEVICE;
      await this.#refreshCache(cache);
      const catalog = allCatalogEntries(records);
      const known = new Set(catalog.map((entry) => entry.id));
      // GGUF files opened from disk or fetched from a URL are models too, though no catalog lists them.
      const own = [...this.downloaded.values()].filter((model) => isGgufModelId(model.id) && !known.has(model.id)).map(ownGgufEntry);
      const ranked = rankModels([...own, ...catalog], device);
      // The demo engine's own model leads its list: it is what the demo runs by default.
      this.entries = this.#host.kind === 'scripted' ? [...rankModels([DEMO_ENTRY], device), ...ranked] : ranked;
    } catch (error) {
      this.error = `Could not read the model cache: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      this.loading = false;
    }
  }

  entry(modelId: string): RankedEntry | undefined {
    return this.entries.find((entry) => entry.id === modelId);
  }

  async remove(modelId: string): Promise<void> {
    const cache = await this.#host.cache();
    await cache.delete(modelId);
    await this.#refreshCache(cache);
  }

  async persist(): Promise<boolean> {
    const granted = await requestPersistentStorage();
    await this.#refreshCache(await this.#host.cache());
    return granted;
  }

  async #refreshCache(cache: ModelCache): Promise<void> {
    const [models, storage] = await Promise.all([cache.list(), cache.storage()]);
    this.downloaded = new Map(models.map((model) => [model.id, model]));
    this.storage = storage;
  }
}

function ownGgufEntry(model: CachedModel): CatalogEntry {
  return {
    id: model.id,
    format: 'gguf',
    url: '',
    family: 'Your GGUF',
    parameters: null,
    parameterCount: null,
    quantization: ggufDisplayName(model.id),
    vramMB: (model.bytes * 1.15) / (1024 * 1024),
    downloadBytes: model.bytes,
    contextWindow: 4096,
    lowResource: true,
    needsShaderF16: false,
    bufferBytesRequired: null,
  };
}
