/**
 * The GGUF engine: llama.cpp compiled to WebAssembly (wllama), in its own worker, on WebGPU
 * when the browser has it and on the CPU when not. Runs any GGUF model: one the user opens
 * from disk (never uploaded: it is copied into this browser's private storage), one
 * downloaded from a URL, or one from the curated list. Imported lazily: wllama's runtime is
 * 10 MB of wasm.
 */
import { CacheManager, Wllama, WllamaAbortError, type ChatCompletionChunk } from '@wllama/wllama';
import wasmUrl from '@wllama/wllama/esm/wasm/wllama.wasm?url';
import { GgufFormatError, inspectGguf } from './gguf-file';
import { GGUF_PREFIX, LOCAL_PREFIX, ggufFileKeys, ggufSplitParts, localFileKey, parseGgufModelId } from './gguf-ids';
import {
  EngineError,
  type ChatEngine,
  type ChatRequest,
  type ChatStreamEvent,
  type EngineBackend,
  type FinishReason,
  type LoadProgress,
} from './protocol';

/** llama.cpp allocates the whole KV cache up front: cap the context so small devices cope. */
const MAX_CONTEXT = 4096;

export class GgufEngine implements ChatEngine {
  readonly kind = 'gguf' as const;
  #wllama: Wllama | null = null;
  #loadedModelId: string | null = null;
  #backend: EngineBackend | null = null;
  #contextLength = 0;
  readonly #cache: CacheManager;

  constructor(cache: CacheManager = new CacheManager()) {
    this.#cache = cache;
  }

  get loadedModelId(): string | null {
    return this.#loadedModelId;
  }

  get backend(): EngineBackend | null {
    return this.#backend;
  }

  get contextWindow(): number | null {
    return this.#loadedModelId === null ? null : this.#contextLength;
  }

  async load(modelId: string, onProgress: (progress: LoadProgress) => void, signal?: AbortSignal): Promise<void> {
    if (this.#loadedModelId === modelId) return;
    await this.unload();
    const started = performance.now();
    const report = (progress: Omit<LoadProgress, 'elapsedMs'>): void => onProgress({ ...progress, elapsedMs: performance.now() - started });
    report({ phase: 'preparing', fraction: 0, text: 'Opening the model file' });

    const blobs = await this.#open(modelId, report, signal);
    const info = await inspectGguf(blobs[0] as Blob).catch((error: unknown) => {
      throw error instanceof GgufFormatError ? new EngineError('bad-model', error.message, { cause: error }) : error;
    });
    if (signal?.aborted) throw aborted();

    const useGpu = await hasWebGPUAdapter();
    const threads = threadCount();
    this.#contextLength = Math.min(info.contextLength ?? MAX_CONTEXT, MAX_CONTEXT);
    report({ phase: 'loading', fraction: 0, text: `Loading ${info.name ?? 'the model'} into llama.cpp` });
    const wllama = (this.#wllama ??= new Wllama({ default: wasmUrl }, { suppressNativeLog: true }));
    // wllama cannot cancel a load in flight; ending its worker can.
    const onAbort = (): void => void wllama.exit();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await wllama.loadModel(blobs, {
        n_ctx: this.#contextLength,
        n_gpu_layers: useGpu ? 99999 : 0,
        n_threads: threads,
        // One conversation at a time: the whole context goes to it.
        n_parallel: 1,
        warmup: false,
      });
    } catch (error) {
      // A malformed file can abort the whole wasm instance: start the next load from a fresh one.
      await this.#discard();
      if (signal?.aborted) throw aborted();
      throw loadError(error, info.architecture);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    // wllama reports some failed loads (e.g. an unknown architecture) as an empty context, not an error.
    const loaded = wllama.getLoadedContextInfo();
    if (loaded.n_vocab === 0 || loaded.n_layer === 0) {
      await this.#discard();
      throw new EngineError(
        'bad-model',
        `llama.cpp could not load this model. Its architecture (${info.architecture ?? 'unknown'}) may not be supported by this version of Hearth, or the file is damaged.`,
      );
    }
    const onGpu = useGpu && wllama.isSupportWebGPU();
    const usedThreads = wllama.getNumThreads();
    this.#backend = {
      engine: 'llama.cpp',
      device: onGpu ? 'webgpu' : 'cpu',
      threads: onGpu ? null : usedThreads,
      reason: onGpu
        ? 'GGUF model on WebGPU through llama.cpp'
        : `GGUF model on the CPU (${usedThreads} thread${usedThreads === 1 ? '' : 's'}): ` +
          (useGpu ? 'this build could not use WebGPU' : 'this browser offers no WebGPU adapter') +
          (globalThis.crossOriginIsolated ? '' : '; more threads need a cross-origin isolated page'),
    };
    this.#loadedModelId = modelId;
    report({ phase: 'ready', fraction: 1, text: 'Ready' });
  }

  async *chat(request: ChatRequest, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    const wllama = this.#wllama;
    if (!wllama || this.#loadedModelId === null) throw new EngineError('not-loaded', 'No model is loaded.');
    const { sampling } = request;
    const started = performance.now();
    let stream: AsyncIterable<ChatCompletionChunk>;
    try {
      stream = await wllama.createChatCompletion({
        messages: request.messages,
        stream: true,
        ...(signal ? { abortSignal: signal } : {}),
        temperature: sampling.temperature,
        top_p: sampling.top_p,
        max_tokens: sampling.max_tokens,
        penalty_present: sampling.presence_penalty,
        penalty_freq: sampling.frequency_penalty,
        ...(sampling.seed === undefined ? {} : { seed: sampling.seed }),
      });
    } catch (error) {
      throw this.#generationError(error);
    }

    let completionTokens = 0;
    let promptTokens = 0;
    let firstTokenAt: number | null = null;
    let finishReason: FinishReason = 'stop';
    let engineTokensPerSecond = 0;
    try {
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        const text = choice?.delta.content;
        if (text) {
          firstTokenAt ??= performance.now();
          completionTokens++;
          yield { type: 'delta', text };
        }
        if (choice?.finish_reason === 'length') finishReason = 'length';
        if (chunk.usage) {
          promptTokens = chunk.usage.prompt_tokens;
          completionTokens = chunk.usage.completion_tokens;
        }
        // Measured inside the wasm worker by llama.cpp: the engine's own decode speed.
        if (chunk.timings?.predicted_per_second) engineTokensPerSecond = chunk.timings.predicted_per_second;
      }
    } catch (error) {
      if (!(error instanceof WllamaAbortError) && !signal?.aborted) throw this.#generationError(error);
    }
    if (signal?.aborted) finishReason = 'aborted';
    const finished = performance.now();
    const decodeSeconds = firstTokenAt === null ? 0 : (finished - firstTokenAt) / 1000;
    yield {
      type: 'done',
      finishReason,
      usage: { promptTokens, completionTokens },
      timings: {
        timeToFirstTokenMs: (firstTokenAt ?? finished) - started,
        totalMs: finished - started,
        decodeTokensPerSecond:
          engineTokensPerSecond || (decodeSeconds > 0 && completionTokens > 1 ? (completionTokens - 1) / decodeSeconds : 0),
      },
    };
  }

  async unload(): Promise<void> {
    this.#loadedModelId = null;
    this.#backend = null;
    await this.#discard();
  }

  dispose(): void {
    void this.unload();
  }

  /** Model files as Blobs: from the browser's model cache, downloading what is missing. */
  async #open(modelId: string, report: (progress: Omit<LoadProgress, 'elapsedMs'>) => void, signal?: AbortSignal): Promise<Blob[]> {
    const source = parseGgufModelId(modelId);
    if (!source) throw new EngineError('bad-model', `"${modelId}" is not a GGUF model id.`);
    const keys = ggufFileKeys(modelId);
    if (source.kind === 'url') {
      const totals = new Map<string, { loaded: number; total: number }>();
      for (const url of keys) {
        try {
          await this.#cache.download(url, {
            ...(signal ? { signal } : {}),
            progressCallback: ({ loaded, total }) => {
              totals.set(url, { loaded, total });
              const sum = [...totals.values()].reduce((acc, item) => ({ loaded: acc.loaded + item.loaded, total: acc.total + item.total }), {
                loaded: 0,
                total: 0,
              });
              report({
                phase: 'downloading',
                fraction: sum.total > 0 ? sum.loaded / sum.total : 0,
                text: `Downloading ${url.split('/').pop() ?? 'model'}`,
                loadedBytes: sum.loaded,
                totalBytes: sum.total,
              });
            },
          });
        } catch (error) {
          if (signal?.aborted) throw aborted();
          throw new EngineError('network', `Could not download ${url}: ${error instanceof Error ? error.message : String(error)}`, {
            cause: error,
          });
        }
      }
    }
    const blobs: Blob[] = [];
    for (const key of keys) {
      const blob = await this.#cache.open(key);
      if (!blob) {
        throw new EngineError(
          'bad-model',
          source.kind === 'local'
            ? `${decodeURIComponent(key.split('/').pop() ?? key)} is no longer in this browser's storage. Open the file again.`
            : `${key} is missing from this browser's storage after downloading it.`,
        );
      }
      blobs.push(blob);
    }
    return blobs;
  }

  async #discard(): Promise<void> {
    const wllama = this.#wllama;
    this.#wllama = null;
    if (wllama) await wllama.exit().catch(() => undefined);
  }

  #generationError(error: unknown): EngineError {
    const message = error instanceof Error ? error.message : String(error);
    if (/context|n_ctx|exceeds/i.test(message)) {
      return new EngineError(
        'generation-failed',
        `The conversation no longer fits this model's context window (${this.#contextLength} tokens). Start a new chat, or shorten your message.`,
        { cause: error },
      );
    }
    if (/ABORT|RuntimeError|unreachable|memory access/i.test(message)) {
      // llama.cpp died inside the worker: the instance is gone.
      void this.unload();
      return new EngineError('worker-crashed', `llama.cpp stopped: ${message}`, { cause: error });
    }
    return new EngineError('generation-failed', message, { cause: error });
  }
}

/**
 * Copies a model the user opened (one file, or every part of a split model) into this
 * browser's model storage, nothing leaving the device; returns its model id.
 */
export async function importLocalGguf(files: File[], cache: CacheManager = new CacheManager()): Promise<string> {
  if (files.length === 0) throw new EngineError('bad-model', 'No file was chosen.');
  const sorted = [...files].sort((a, b) => a.name.localeCompare(b.name));
  for (const file of sorted) {
    if (!/\.gguf$/i.test(file.name)) throw new EngineError('bad-model', `${file.name} is not a .gguf file.`);
    if (file.size === 0) throw new EngineError('bad-model', `${file.name} is empty.`);
  }
  const first = sorted[0] as File;
  const parts = ggufSplitParts(first.name);
  if (sorted.length > 1 || parts.length > 1) {
    const names = sorted.map((file) => file.name);
    const missing = parts.filter((part) => !names.includes(part));
    if (parts.length === 1) throw new EngineError('bad-model', 'Open one model at a time (several files only for the parts of a split model).');
    if (missing.length > 0) throw new EngineError('bad-model', `This model is split into ${parts.length} files; also open ${missing.join(', ')}.`);
  }
  // Check the header before copying gigabytes.
  await inspectGguf(first).catch((error: unknown) => {
    throw error instanceof GgufFormatError ? new EngineError('bad-model', `${first.name}: ${error.message}`) : error;
  });
  for (const file of sorted) {
    const url = localFileKey(file.name);
    await cache.write(await cache.getNameFromURL(url), file.stream(), { etag: '', originalSize: file.size, originalURL: url });
  }
  return `${GGUF_PREFIX}${LOCAL_PREFIX}${first.name}`;
}

async function hasWebGPUAdapter(): Promise<boolean> {
  try {
    return !!(await navigator.gpu?.requestAdapter());
  } catch {
    return false;
  }
}

/**
 * Threads need SharedArrayBuffer, which needs a cross-origin isolated page. wllama's default
 * (half the cores) gives one thread on two-core machines; use at least two when isolated.
 */
function threadCount(): number {
  if (!globalThis.crossOriginIsolated) return 1;
  const cores = navigator.hardwareConcurrency || 1;
  return Math.max(Math.min(cores, 2), Math.floor(cores / 2));
}

function aborted(): EngineError {
  return new EngineError('aborted', 'Loading was cancelled.');
}

function loadError(error: unknown, architecture: string | null): EngineError {
  const message = error instanceof Error ? error.message : String(error);
  if (/unknown model architecture/i.test(message)) {
    return new EngineError('bad-model', `This model's architecture (${architecture ?? 'unknown'}) is not supported by llama.cpp in this version of Hearth.`, {
      cause: error,
    });
  }
  if (/ABORT|RuntimeError|failed to load model|llama_model_load/i.test(message)) {
    return new EngineError('bad-model', `llama.cpp could not load this file: ${message.replace(/^\(ABORT\)\s*/, '')}`, { cause: error });
  }
  return new EngineError('load-failed', message, { cause: error });
}
