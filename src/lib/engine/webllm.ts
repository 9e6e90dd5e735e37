/**
 * The main-thread side of every engine that speaks WebLLM's worker protocol: the real WebLLM
 * worker and the scripted demo worker. This module is imported lazily (see engine.svelte.ts)
 * so WebLLM's client never lands in the entry chunk.
 */
import {
  CreateWebWorkerMLCEngine,
  prebuiltAppConfig,
  type ChatCompletionChunk,
  type InitProgressReport,
  type ResponseFormat as WebLLMResponseFormat,
  type WebWorkerMLCEngine,
} from '@mlc-ai/web-llm';
import { engineErrorFrom } from './errors';
import {
  EngineError,
  type ChatEngine,
  type ChatRequest,
  type ChatStreamEvent,
  type EngineBackend,
  type EngineKind,
  type FinishReason,
  type LoadProgress,
  type ResponseFormat,
  type TokenUsage,
} from './protocol';
import { started, type StartedWorker } from './spawn';

/** After Stop, how long a stream may take to wind down before we stop waiting for the worker. */
const ABORT_GRACE_MS = 1500;

interface WorkerSession {
  worker: Worker;
  /** WebLLM's client for this worker, created by the first load. */
  client: WebWorkerMLCEngine | null;
  /** Rejects when the worker dies; raced against every call so nothing waits forever. */
  crashed: Promise<never>;
}

export class WebLLMWorkerEngine implements ChatEngine {
  #session: WorkerSession | null = null;
  #loadedModelId: string | null = null;
  #onProgress: ((progress: LoadProgress) => void) | null = null;

  /** `first`: a worker already started (see spawn.ts), used for the first load. */
  constructor(
    readonly kind: EngineKind,
    private readonly spawnWorker: () => Worker,
    first?: StartedWorker,
  ) {
    if (first) this.#session = this.#sessionOf(first);
  }

  get loadedModelId(): string | null {
    return this.#loadedModelId;
  }

  get contextWindow(): number | null {
    if (this.#loadedModelId === null) return null;
    const record = prebuiltAppConfig.model_list.find((model) => model.model_id === this.#loadedModelId);
    // WebLLM's default context when a record does not override it.
    return record?.overrides?.context_window_size ?? 4096;
  }

  get backend(): EngineBackend | null {
    if (this.#loadedModelId === null) return null;
    return this.kind === 'scripted'
      ? { engine: 'Demo script', device: 'simulated', threads: null, reason: 'The demo engine streams a fixed script; no model runs.' }
      : { engine: 'WebLLM', device: 'webgpu', threads: null, reason: 'MLC model compiled for WebGPU' };
  }

  async load(modelId: string, onProgress: (progress: LoadProgress) => void, signal?: AbortSignal): Promise<void> {
    if (this.#loadedModelId === modelId && this.#session?.client) return;
    if (signal?.aborted) throw abortedLoad();
    if (this.#loadedModelId !== null) await this.unload();
    const session = this.#ensureSession();
    this.#onProgress = onProgress;
    // WebLLM cannot cancel a reload in flight; ending the worker is the only reliable cancel.
    const onAbort = (): void => this.#endSession();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const { client } = session;
      const loading = client
        ? client.reload(modelId).then(() => client)
        : CreateWebWorkerMLCEngine(session.worker, modelId, { initProgressCallback: (report) => this.#forwardProgress(report) });
      session.client = await Promise.race([loading, session.crashed, aborted(signal)]);
      this.#loadedModelId = modelId;
    } catch (error) {
      if (signal?.aborted) throw abortedLoad();
      // A failed reload can leave WebLLM half-initialised; start the next attempt from a fresh worker.
      this.#endSession();
      throw engineErrorFrom(error, 'load');
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.#onProgress = null;
    }
  }

  async *chat(request: ChatRequest, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    const session = this.#session;
    const client = session?.client;
    if (!session || !client || this.#loadedModelId === null) throw new EngineError('not-loaded', 'No model is loaded.');
    const started = performance.now();
    const { sampling } = request;
    let stream: AsyncIterable<ChatCompletionChunk>;
    try {
      stream = await Promise.race([
        client.chat.completions.create({
          messages: request.messages,
          stream: true,
          stream_options: { include_usage: true },
          temperature: sampling.temperature,
          top_p: sampling.top_p,
          max_tokens: sampling.max_tokens,
          presence_penalty: sampling.presence_penalty,
          frequency_penalty: sampling.frequency_penalty,
          ...(sampling.seed === undefined ? {} : { seed: sampling.seed }),
          ...(request.responseFormat ? { response_format: toResponseFormat(request.responseFormat) } : {}),
        }),
        session.crashed,
      ]);
    } catch (error) {
      throw engineErrorFrom(error, 'generate');
    }

    const iterator = stream[Symbol.asyncIterator]();
    const onAbort = (): void => client.interruptGenerate();
    signal?.addEventListener('abort', onAbort, { once: true });
    let completionTokens = 0;
    let firstTokenAt: number | null = null;
    let finishReason: FinishReason = 'stop';
    let usage: ChatCompletionChunk['usage'];
    const gaveUp = gaveUpAfterAbort(signal);
    try {
      while (true) {
        const next = await Promise.race([iterator.next(), session.crashed, gaveUp]);
        if (next === GAVE_UP) {
          finishReason = 'aborted';
          void iterator.return?.();
          break;
        }
        if (next.done) break;
        const chunk = next.value;
        const choice = chunk.choices[0];
        const text = choice?.delta.content;
        if (text) {
          firstTokenAt ??= performance.now();
          completionTokens++;
          yield { type: 'delta', text };
        }
        if (choice?.finish_reason) finishReason = toFinishReason(choice.finish_reason);
        if (chunk.usage) usage = chunk.usage;
      }
    } catch (error) {
      const engineError = engineErrorFrom(error, 'generate');
      // After a lost device or a dead worker, only a fresh worker can load the model again.
      if (engineError.code === 'device-lost' || engineError.code === 'worker-crashed') this.#endSession();
      throw engineError;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (signal?.aborted) finishReason = 'aborted';

    const finished = performance.now();
    const tokens: TokenUsage = {
      promptTokens: usage?.prompt_tokens ?? 0,
      completionTokens: usage?.completion_tokens ?? completionTokens,
    };
    const decodeSeconds = firstTokenAt === null ? 0 : (finished - firstTokenAt) / 1000;
    yield {
      type: 'done',
      finishReason,
      usage: tokens,
      timings: {
        timeToFirstTokenMs: (firstTokenAt ?? finished) - started,
        totalMs: finished - started,
        decodeTokensPerSecond:
          usage?.extra.decode_tokens_per_s ||
          (decodeSeconds > 0 && tokens.completionTokens > 1 ? (tokens.completionTokens - 1) / decodeSeconds : 0),
      },
    };
  }

  async unload(): Promise<void> {
    const session = this.#session;
    this.#loadedModelId = null;
    if (!session?.client) return;
    try {
      await Promise.race([session.client.unload(), session.crashed]);
    } catch {
      // An engine that cannot unload cleanly is replaced with a fresh worker.
      this.#endSession();
    }
  }

  dispose(): void {
    this.#endSession();
  }

  #ensureSession(): WorkerSession {
    this.#session ??= this.#sessionOf(started(this.spawnWorker()));
    return this.#session;
  }

  #sessionOf({ worker, failed }: StartedWorker): WorkerSession {
    const crashed = failed.then((event): never => {
      if (this.#session?.worker === worker) this.#endSession();
      throw new EngineError('worker-crashed', `The engine worker stopped: ${event.message || 'unknown error'}`);
    });
    // Nobody may be racing against `crashed` at the moment the worker dies.
    crashed.catch(() => undefined);
    return { worker, client: null, crashed };
  }

  #forwardProgress(report: InitProgressReport): void {
    this.#onProgress?.({ fraction: report.progress, text: report.text, elapsedMs: report.timeElapsed * 1000 });
  }

  #endSession(): void {
    this.#session?.worker.terminate();
    this.#session = null;
    this.#loadedModelId = null;
  }
}

const GAVE_UP = Symbol('gave up after abort');

function gaveUpAfterAbort(signal: AbortSignal | undefined): Promise<typeof GAVE_UP> {
  return new Promise((resolve) => {
    if (!signal) return;
    const start = (): void => void setTimeout(() => resolve(GAVE_UP), ABORT_GRACE_MS);
    if (signal.aborted) start();
    else signal.addEventListener('abort', start, { once: true });
  });
}

function aborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    signal?.addEventListener('abort', () => reject(abortedLoad()), { once: true });
  });
}

function abortedLoad(): EngineError {
  return new EngineError('aborted', 'Loading was cancelled.');
}

function toResponseFormat(format: ResponseFormat): WebLLMResponseFormat {
  return format.schema ? { type: 'json_object', schema: format.schema } : { type: 'json_object' };
}

function toFinishReason(reason: string): FinishReason {
  if (reason === 'length') return 'length';
  if (reason === 'abort') return 'aborted';
  return 'stop';
}

