/**
 * The model catalog, and whether each model fits this device.
 *
 * WebLLM's records give the GPU memory a model needs (`vram_required_MB`) but neither its
 * download size nor its parameter count; both are derived here from the model id, and the
 * download size is marked as an estimate wherever it is shown.
 */
import type { CatalogRecord } from '../../../config/model-catalog';

export interface CatalogEntry {
  id: string;
  /** mlc: runs on WebLLM (WebGPU only) · gguf: runs on llama.cpp (WebGPU or CPU). */
  format: 'mlc' | 'gguf';
  /** Where WebLLM downloads it from (a Hugging Face repository URL). */
  url: string;
  family: string;
  /** e.g. "1.5B", or null when the id does not say. */
  parameters: string | null;
  parameterCount: number | null;
  /** e.g. "q4f16_1" */
  quantization: string;
  vramMB: number;
  /** Estimated download size in bytes. */
  downloadBytes: number;
  contextWindow: number;
  lowResource: boolean;
  needsShaderF16: boolean;
  bufferBytesRequired: number | null;
}

/** What the device offers, from the WebGPU adapter and `navigator.deviceMemory`. */
export interface DeviceProfile {
  /** Whether a WebGPU adapter was offered at all. */
  webgpu: boolean;
  shaderF16: boolean;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  /** GiB of RAM as the browser reports it (Chrome caps it at 8), or null when unknown. */
  deviceMemoryGB: number | null;
  /** True when no real adapter was probed (the demo engine without WebGPU). */
  simulated: boolean;
}

export type FitLevel = 'fits' | 'may-not-fit' | 'wont-fit';

export interface Fit {
  level: FitLevel;
  /** Why, in words for the user; empty when it simply fits. */
  reasons: string[];
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** Parameter counts of families whose ids do not say. */
const KNOWN_PARAMETERS: ReadonlyArray<[RegExp, number]> = [
  [/^Phi-3(\.5)?-mini|^Phi-4-mini/i, 3.8e9],
  [/^phi-2/i, 2.7e9],
  [/^phi-1_5/i, 1.4e9],
  [/^gemma-4-E2B/i, 5.1e9],
];

const FAMILIES: ReadonlyArray<[RegExp, string]> = [
  [/^DeepSeek/i, 'DeepSeek'],
  [/^Hermes|^OpenHermes|^NeuralHermes/i, 'Hermes'],
  [/^Llama/i, 'Llama'],
  [/^Qwen/i, 'Qwen'],
  [/^Phi/i, 'Phi'],
  [/^gemma/i, 'Gemma'],
  [/^Ministral|^Mistral/i, 'Mistral'],
  [/^SmolLM/i, 'SmolLM'],
  [/^TinyLlama/i, 'TinyLlama'],
  [/^OLMo/i, 'OLMo'],
  [/^stablelm/i, 'StableLM'],
  [/^RedPajama/i, 'RedPajama'],
  [/^WizardMath/i, 'WizardMath'],
];

export function parseParameters(id: string): { label: string; count: number } | null {
  // "1.5B", "360M"; StableLM writes "1_6b". Gemma's "E2B" is an effective size, not the stored one.
  const match = /(?:^|[-_])(\d+(?:[._]\d+)?)([BM])(?=[-_]|$)/i.exec(id);
  if (match?.[1] && match[2]) {
    const value = Number(match[1].replace('_', '.'));
    const unit = match[2].toUpperCase();
    return { label: `${value}${unit}`, count: value * (unit === 'B' ? 1e9 : 1e6) };
  }
  const known = KNOWN_PARAMETERS.find(([pattern]) => pattern.test(id));
  if (!known) return null;
  const count = known[1];
  return { label: `${(count / 1e9).toFixed(1).replace(/\.0$/, '')}B`, count };
}

/** Bits stored per parameter for each quantization, including group scales. */
function bitsPerParameter(quantization: string): number {
  if (quantization.startsWith('q0f32')) return 32;
  if (quantization.startsWith('q0f16') || quantization.startsWith('q0bf16')) return 16;
  if (quantization.startsWith('q3')) return 3.5;
  return 4.5;
}

export function toCatalogEntry(record: CatalogRecord): CatalogEntry {
  const id = record.model_id;
  const quantization = /q\d(?:f|bf)\d+(?:_\d)?/.exec(id)?.[0] ?? 'unknown';
  const parameters = parseParameters(id);
  const vramMB = record.vram_required_MB ?? 0;
  const downloadBytes = parameters
    ? (parameters.count * bitsPerParameter(quantization)) / 8
    : // Without a parameter count, the weights are most of what the GPU holds.
      vramMB * MiB * 0.7;
  return {
    id,
    format: 'mlc',
    url: record.model,
    family: FAMILIES.find(([pattern]) => pattern.test(id))?.[1] ?? id.split('-')[0] ?? id,
    parameters: parameters?.label ?? null,
    parameterCount: parameters?.count ?? null,
    quantization,
    vramMB,
    downloadBytes: Math.round(downloadBytes),
    contextWindow: record.context_window_size ?? 4096,
    lowResource: record.low_resource_required === true,
    needsShaderF16: /f16/.test(quantization) || (record.required_features ?? []).includes('shader-f16'),
    bufferBytesRequired: record.buffer_size_required_bytes ?? null,
  };
}

/** Chat models only: embedding and vision models need inputs this app does not send. */
export function chatCatalog(records: readonly CatalogRecord[]): CatalogEntry[] {
  return records.filter((record) => (record.model_type ?? 0) === 0).map(toCatalogEntry);
}

export function assessFit(entry: CatalogEntry, device: DeviceProfile): Fit {
  const wont: string[] = [];
  const may: string[] = [];
  if (entry.format === 'mlc' && !device.webgpu) {
    return { level: 'wont-fit', reasons: ['Needs WebGPU, which this browser does not offer. GGUF models run on the CPU instead.'] };
  }
  if (entry.format === 'gguf' && !device.webgpu) may.push('Runs on the CPU here (no WebGPU): expect a few words per second.');
  if (entry.needsShaderF16 && !device.shaderF16) {
    wont.push('Needs 16-bit GPU shaders (shader-f16), which this GPU does not offer. Pick a q4f32 version.');
  }
  if (entry.bufferBytesRequired !== null && entry.bufferBytesRequired > device.maxStorageBufferBindingSize) {
    wont.push(
      `Needs GPU buffers of ${formatBytes(entry.bufferBytesRequired)}; this GPU allows ${formatBytes(device.maxStorageBufferBindingSize)}.`,
    );
  }
  const vramBytes = entry.vramMB * MiB;
  if (device.deviceMemoryGB !== null) {
    // Browsers report RAM, not GPU memory; on the integrated GPUs most laptops have, they are shared.
    const memory = device.deviceMemoryGB * GiB;
    if (vramBytes > memory) wont.push(`Needs ${formatBytes(vramBytes)} of GPU memory; this device reports ${device.deviceMemoryGB} GB.`);
    else if (vramBytes > memory * 0.5) may.push(`Needs ${formatBytes(vramBytes)} of GPU memory, most of this device's ${device.deviceMemoryGB} GB.`);
  } else if (!entry.lowResource && vramBytes > 4 * GiB) {
    may.push(`Needs ${formatBytes(vramBytes)} of GPU memory; this browser does not say how much there is.`);
  }
  if (device.webgpu && vramBytes > device.maxBufferSize * 4 && device.maxBufferSize < 2 * GiB && !entry.lowResource) {
    may.push('This GPU reports small buffer limits; large models may fail to load.');
  }
  if (wont.length > 0) return { level: 'wont-fit', reasons: wont };
  if (may.length > 0) return { level: 'may-not-fit', reasons: may };
  return { level: 'fits', reasons: [] };
}

const FIT_ORDER: Record<FitLevel, number> = { fits: 0, 'may-not-fit': 1, 'wont-fit': 2 };

/**
 * Best first: models that fit, then those that may; within each, the one-model-per-family
 * favourites people start with, then smaller before larger (a first download should be quick).
 */
export function rankModels(entries: readonly CatalogEntry[], device: DeviceProfile): Array<CatalogEntry & { fit: Fit }> {
  return entries
    .map((entry) => ({ ...entry, fit: assessFit(entry, device) }))
    .sort(
      (a, b) =>
        FIT_ORDER[a.fit.level] - FIT_ORDER[b.fit.level] ||
        Number(isRecommended(b.id)) - Number(isRecommended(a.id)) ||
        a.vramMB - b.vramMB ||
        a.id.localeCompare(b.id),
    );
}

const RECOMMENDED = [
  /^Llama-3\.2-(1|3)B-Instruct-q4f(16|32)_1-MLC$/,
  /^Qwen3-(0\.6|1\.7|4)B-q4f(16|32)_1-MLC$/,
  /^Qwen2\.5-(1\.5|3)B-Instruct-q4f(16|32)_1-MLC$/,
  /^Phi-3\.5-mini-instruct-q4f(16|32)_1-MLC$/,
  /^gemma-2-2b-it-q4f(16|32)_1-MLC$/,
  /^SmolLM2-(360M|1\.7B)-Instruct-q4f(16|32)_1-MLC$/,
];

export function isRecommended(id: string): boolean {
  return RECOMMENDED.some((pattern) => pattern.test(id));
}

/**
 * A small, capable default that runs almost everywhere: the f32 build where f16 shaders are
 * missing, and a small GGUF model on the CPU where WebGPU is missing altogether.
 */
export function defaultModelId(device: DeviceProfile, ggufFallback: string): string {
  if (!device.webgpu) return ggufFallback;
  return device.shaderF16 ? 'Llama-3.2-1B-Instruct-q4f16_1-MLC' : 'Llama-3.2-1B-Instruct-q4f32_1-MLC';
}

export interface ModelFilter {
  query: string;
  /** Hide models that will not fit. */
  fitsOnly: boolean;
  downloadedOnly: boolean;
  family: string | null;
}

export function filterModels<T extends CatalogEntry & { fit: Fit }>(
  entries: readonly T[],
  filter: ModelFilter,
  downloaded: ReadonlySet<string>,
): T[] {
  const words = filter.query.toLowerCase().split(/\s+/).filter(Boolean);
  return entries.filter((entry) => {
    if (filter.fitsOnly && entry.fit.level === 'wont-fit') return false;
    if (filter.downloadedOnly && !downloaded.has(entry.id)) return false;
    if (filter.family && entry.family !== filter.family) return false;
    const haystack = `${entry.id} ${entry.family} ${entry.parameters ?? ''} ${entry.quantization}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

export function formatBytes(bytes: number): string {
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(1)} GB`;
  if (bytes >= MiB) return `${Math.round(bytes / MiB)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}
