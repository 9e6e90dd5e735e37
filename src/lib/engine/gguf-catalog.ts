/**
 * A short, curated list of small GGUF chat models that run well in a browser. Sizes are the
 * published file sizes, rounded; the download URLs point at the models' Hugging Face
 * repositories (not reachable from the machines Hearth is built on, so not verified there).
 */
import { GGUF_PREFIX, huggingFaceUrl } from './gguf-ids';
import type { CatalogRecord } from '../../../config/model-catalog';
import { chatCatalog, type CatalogEntry } from './models';

interface CuratedGguf {
  repo: string;
  file: string;
  family: string;
  parameters: string;
  parameterCount: number;
  quantization: string;
  megabytes: number;
  contextWindow: number;
}

const CURATED: readonly CuratedGguf[] = [
  { repo: 'HuggingFaceTB/SmolLM2-360M-Instruct-GGUF', file: 'smollm2-360m-instruct-q8_0.gguf', family: 'SmolLM', parameters: '360M', parameterCount: 360e6, quantization: 'Q8_0', megabytes: 386, contextWindow: 8192 },
  { repo: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF', file: 'qwen2.5-0.5b-instruct-q4_k_m.gguf', family: 'Qwen', parameters: '0.5B', parameterCount: 0.49e9, quantization: 'Q4_K_M', megabytes: 491, contextWindow: 32768 },
  { repo: 'ggml-org/Qwen3-0.6B-GGUF', file: 'Qwen3-0.6B-Q8_0.gguf', family: 'Qwen', parameters: '0.6B', parameterCount: 0.6e9, quantization: 'Q8_0', megabytes: 639, contextWindow: 32768 },
  { repo: 'bartowski/Llama-3.2-1B-Instruct-GGUF', file: 'Llama-3.2-1B-Instruct-Q4_K_M.gguf', family: 'Llama', parameters: '1B', parameterCount: 1.24e9, quantization: 'Q4_K_M', megabytes: 808, contextWindow: 131072 },
  { repo: 'ggml-org/gemma-3-1b-it-GGUF', file: 'gemma-3-1b-it-Q4_K_M.gguf', family: 'Gemma', parameters: '1B', parameterCount: 1e9, quantization: 'Q4_K_M', megabytes: 806, contextWindow: 32768 },
];

const MiB = 1024 * 1024;

export function ggufCatalog(): CatalogEntry[] {
  return CURATED.map((model) => {
    const url = huggingFaceUrl(model.repo, model.file);
    return {
      id: `${GGUF_PREFIX}${url}`,
      format: 'gguf',
      url,
      family: model.family,
      parameters: model.parameters,
      parameterCount: model.parameterCount,
      quantization: model.quantization,
      // llama.cpp holds the weights plus a KV cache of a few hundred MB at Hearth's 4k context cap.
      vramMB: model.megabytes * 1.15 + 200,
      downloadBytes: model.megabytes * MiB,
      contextWindow: Math.min(model.contextWindow, 4096),
      lowResource: true,
      needsShaderF16: false,
      bufferBytesRequired: null,
    };
  });
}

/** Every model a catalog lists: these GGUF models and WebLLM's (`records`, virtual:model-catalog). */
export function allCatalogEntries(records: readonly CatalogRecord[]): CatalogEntry[] {
  return [...ggufCatalog(), ...chatCatalog(records)];
}

/** Download bytes by model id: what the demo engine's simulated downloads store. */
export function catalogDownloadBytes(records: readonly CatalogRecord[]): Map<string, number> {
  return new Map(allCatalogEntries(records).map((entry) => [entry.id, entry.downloadBytes]));
}
