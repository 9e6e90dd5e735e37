import catalog from 'virtual:model-catalog';
import { describe, expect, test } from 'vitest';
import { ggufCatalog } from '../../../src/lib/engine/gguf-catalog';
import {
  assessFit,
  chatCatalog,
  defaultModelId,
  filterModels,
  parseParameters,
  rankModels,
  toCatalogEntry,
  type DeviceProfile,
} from '../../../src/lib/engine/models';

const GiB = 1024 ** 3;
const laptop: DeviceProfile = { webgpu: true, shaderF16: true, maxBufferSize: 4 * GiB, maxStorageBufferBindingSize: 2 * GiB, deviceMemoryGB: 8, simulated: false };
const noF16: DeviceProfile = { ...laptop, shaderF16: false };
const phone: DeviceProfile = { webgpu: true, shaderF16: true, maxBufferSize: 256 * 1024 ** 2, maxStorageBufferBindingSize: 128 * 1024 ** 2, deviceMemoryGB: 4, simulated: false };
const unknownMemory: DeviceProfile = { ...laptop, deviceMemoryGB: null };

const entries = chatCatalog(catalog);
const entry = (id: string) => {
  const found = entries.find((item) => item.id === id);
  if (!found) throw new Error(`${id} not in catalog`);
  return found;
};

describe('catalog from prebuiltAppConfig', () => {
  test('holds WebLLM’s chat models only, with the fields the picker shows', () => {
    expect(entries.length).toBeGreaterThan(100);
    expect(entries.some((item) => item.id.startsWith('snowflake-arctic-embed'))).toBe(false);
    expect(entries.some((item) => item.id.includes('vision'))).toBe(false);
    expect(entry('Llama-3.2-1B-Instruct-q4f16_1-MLC')).toMatchObject({
      family: 'Llama',
      parameters: '1B',
      quantization: 'q4f16_1',
      vramMB: 879.04,
      contextWindow: 4096,
      lowResource: true,
      needsShaderF16: true,
      url: 'https://huggingface.co/mlc-ai/Llama-3.2-1B-Instruct-q4f16_1-MLC',
    });
    expect(entry('Llama-3.1-8B-Instruct-q4f32_1-MLC-1k')).toMatchObject({ contextWindow: 1024, needsShaderF16: false, quantization: 'q4f32_1' });
  });

  test('parameter counts come from ids, or a table for ids that do not say', () => {
    expect(parseParameters('Qwen2.5-0.5B-Instruct-q4f16_1-MLC')).toEqual({ label: '0.5B', count: 0.5e9 });
    expect(parseParameters('SmolLM2-360M-Instruct-q4f16_1-MLC')).toEqual({ label: '360M', count: 360e6 });
    expect(parseParameters('stablelm-2-zephyr-1_6b-q4f16_1-MLC')?.label).toBe('1.6B');
    expect(parseParameters('Phi-3.5-mini-instruct-q4f16_1-MLC')?.label).toBe('3.8B');
    expect(parseParameters('mystery-model-q4f16_1-MLC')).toBeNull();
    for (const item of entries) expect(item.downloadBytes, item.id).toBeGreaterThan(0);
  });

  test('download estimates scale with quantization', () => {
    const q4 = entry('Qwen2.5-0.5B-Instruct-q4f16_1-MLC').downloadBytes;
    const q0f16 = entry('Qwen2.5-0.5B-Instruct-q0f16-MLC').downloadBytes;
    const q0f32 = entry('Qwen2.5-0.5B-Instruct-q0f32-MLC').downloadBytes;
    expect(q4).toBeGreaterThan(250e6);
    expect(q4).toBeLessThan(350e6);
    expect(q0f16 / q4).toBeCloseTo(16 / 4.5, 1);
    expect(q0f32 / q0f16).toBeCloseTo(2, 5);
  });
});

describe('fit to the device', () => {
  test('a small model fits a laptop', () => {
    expect(assessFit(entry('Llama-3.2-1B-Instruct-q4f16_1-MLC'), laptop)).toEqual({ level: 'fits', reasons: [] });
  });

  test('f16 models do not fit a GPU without shader-f16; their f32 builds do', () => {
    const fit = assessFit(entry('Llama-3.2-1B-Instruct-q4f16_1-MLC'), noF16);
    expect(fit.level).toBe('wont-fit');
    expect(fit.reasons[0]).toMatch(/shader-f16/);
    expect(assessFit(entry('Llama-3.2-1B-Instruct-q4f32_1-MLC'), noF16).level).toBe('fits');
  });

  test('GPU memory beyond what the device reports will not fit; most of it may not', () => {
    expect(assessFit(entry('Llama-3.1-70B-Instruct-q3f16_1-MLC'), laptop)).toMatchObject({ level: 'wont-fit' });
    expect(assessFit(entry('Llama-3.1-8B-Instruct-q4f16_1-MLC'), laptop).level).toBe('may-not-fit');
    expect(assessFit(entry('Llama-3.2-3B-Instruct-q4f16_1-MLC'), phone).level).toBe('may-not-fit');
    expect(assessFit(entry('Qwen3-8B-q4f32_1-MLC'), phone).level).toBe('wont-fit');
  });

  test('a storage-buffer requirement above the adapter limit will not fit', () => {
    const needsBuffers = entries.find((item) => item.bufferBytesRequired !== null);
    if (!needsBuffers) throw new Error('catalog has no buffer requirement to test');
    const tiny = { ...laptop, maxStorageBufferBindingSize: needsBuffers.bufferBytesRequired! - 1 };
    expect(assessFit(needsBuffers, tiny).reasons.join(' ')).toMatch(/GPU buffers/);
  });

  test('without a memory figure, only big non-low-resource models are doubtful', () => {
    expect(assessFit(entry('Llama-3.1-8B-Instruct-q4f16_1-MLC'), unknownMemory).level).toBe('may-not-fit');
    expect(assessFit(entry('Qwen2.5-3B-Instruct-q4f16_1-MLC'), unknownMemory).level).toBe('fits');
  });

  test('ranking puts fitting, recommended, smaller models first and what will not fit last', () => {
    const ranked = rankModels(entries, noF16);
    const levels = ranked.map((item) => item.fit.level);
    expect(levels.indexOf('wont-fit')).toBeGreaterThan(levels.lastIndexOf('fits'));
    expect(ranked[0]?.fit.level).toBe('fits');
    expect(ranked[0]?.id).toMatch(/q4f32/);
    expect(ranked.slice(0, 5).every((item) => item.vramMB < 3000)).toBe(true);
    expect(defaultModelId(noF16, 'gguf:x')).toBe('Llama-3.2-1B-Instruct-q4f32_1-MLC');
    expect(defaultModelId(laptop, 'gguf:x')).toBe('Llama-3.2-1B-Instruct-q4f16_1-MLC');
    expect(defaultModelId({ ...laptop, webgpu: false }, 'gguf:x')).toBe('gguf:x');
  });
});

describe('filtering', () => {
  const ranked = rankModels(entries, noF16);
  const none = { query: '', fitsOnly: false, downloadedOnly: false, family: null };

  test('search matches every word against id, family, size and quantization', () => {
    const found = filterModels(ranked, { ...none, query: 'qwen 1.5b q4f32' }, new Set());
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((item) => item.family === 'Qwen' && item.parameters === '1.5B' && item.quantization.startsWith('q4f32'))).toBe(true);
    expect(filterModels(ranked, { ...none, query: 'no-such-model' }, new Set())).toEqual([]);
  });

  test('fits-only, downloaded-only and family filters', () => {
    expect(filterModels(ranked, { ...none, fitsOnly: true }, new Set()).some((item) => item.fit.level === 'wont-fit')).toBe(false);
    expect(filterModels(ranked, { ...none, downloadedOnly: true }, new Set(['Qwen3-0.6B-q4f32_1-MLC'])).map((item) => item.id)).toEqual([
      'Qwen3-0.6B-q4f32_1-MLC',
    ]);
    expect(new Set(filterModels(ranked, { ...none, family: 'Gemma' }, new Set()).map((item) => item.family))).toEqual(new Set(['Gemma']));
  });

  test('a record without sizes still becomes a usable entry', () => {
    const bare = toCatalogEntry({ model: 'https://example.com/x', model_id: 'Custom-q4f32_1-MLC' });
    expect(bare).toMatchObject({ format: 'mlc', family: 'Custom', parameters: null, vramMB: 0, contextWindow: 4096, needsShaderF16: false });
  });
});

describe('GGUF models', () => {
  const cpuOnly: DeviceProfile = { webgpu: false, shaderF16: false, maxBufferSize: 0, maxStorageBufferBindingSize: 0, deviceMemoryGB: 8, simulated: false };
  const gguf = ggufCatalog();

  test('the curated list holds small GGUF chat models with sizes', () => {
    expect(gguf.length).toBeGreaterThanOrEqual(4);
    for (const model of gguf) {
      expect(model.id).toMatch(/^gguf:https:\/\/huggingface\.co\/.+\/resolve\/main\/.+\.gguf$/);
      expect(model.format).toBe('gguf');
      expect(model.downloadBytes).toBeGreaterThan(100 * 1024 ** 2);
      expect(model.downloadBytes).toBeLessThan(1024 ** 3);
    }
  });

  test('without WebGPU, MLC models will not fit and GGUF models run on the CPU', () => {
    const mlc = assessFit(entry('Llama-3.2-1B-Instruct-q4f32_1-MLC'), cpuOnly);
    expect(mlc.level).toBe('wont-fit');
    expect(mlc.reasons[0]).toMatch(/Needs WebGPU/);
    const cpu = assessFit(gguf[0]!, cpuOnly);
    expect(cpu.level).toBe('may-not-fit');
    expect(cpu.reasons[0]).toMatch(/CPU/);
    expect(assessFit(gguf[0]!, laptop).level).toBe('fits');
    expect(rankModels([...entries, ...gguf], cpuOnly)[0]?.format).toBe('gguf');
  });
});
