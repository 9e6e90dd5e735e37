/**
 * `virtual:model-catalog`: WebLLM's `prebuiltAppConfig.model_list`, read at build time and
 * trimmed to what the model picker needs. WebLLM's package cannot be tree-shaken, so importing
 * `prebuiltAppConfig` in the page would pull its whole runtime (2 MB gzip) just to list models.
 */
import { prebuiltAppConfig, type ModelRecord } from '@mlc-ai/web-llm';
import type { Plugin } from 'vite';

const ID = 'virtual:model-catalog';
const RESOLVED = `\0${ID}`;

export type CatalogRecord = Pick<
  ModelRecord,
  'model' | 'model_id' | 'vram_required_MB' | 'low_resource_required' | 'buffer_size_required_bytes' | 'required_features' | 'model_type'
> & { context_window_size?: number };

export function catalogRecords(): CatalogRecord[] {
  return prebuiltAppConfig.model_list.map((record) => ({
    model: record.model,
    model_id: record.model_id,
    vram_required_MB: record.vram_required_MB,
    low_resource_required: record.low_resource_required,
    buffer_size_required_bytes: record.buffer_size_required_bytes,
    required_features: record.required_features,
    model_type: record.model_type,
    context_window_size: record.overrides?.context_window_size,
  }));
}

export function modelCatalog(): Plugin {
  return {
    name: 'hearth-model-catalog',
    resolveId: (id) => (id === ID ? RESOLVED : undefined),
    load: (id) => (id === RESOLVED ? `export default ${JSON.stringify(catalogRecords())};` : undefined),
  };
}
