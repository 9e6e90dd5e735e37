/**
 * The seam between Hearth and every language-model engine.
 *
 * WebLLM, the scripted demo engine, and later engines (GGUF, remote endpoints) all implement
 * `ChatEngine`, so the chat layer, the UI and every test are engine-agnostic. Nothing outside
 * `lib/engine` imports an engine library directly.
 */

/**
 * webllm: MLC models on WebGPU · gguf: llama.cpp (wllama) on WebGPU or CPU · scripted: the demo ·
 * remote: the user's own OpenAI-compatible server (Ollama, vLLM, llama.cpp server…).
 */
export type EngineKind = 'webllm' | 'gguf' | 'scripted' | 'remote';

export type Role = 'system' | 'user' | 'assistant';

/** One OpenAI-style message as sent to an engine. */
export interface EngineMessage {
  role: Role;
  content: string;
}

export interface SamplingSettings {
  temperature: number;
  top_p: number;
  max_tokens: number;
  /** Fixed seed for reproducible sampling; `undefined` lets the engine choose. */
  seed?: number | undefined;
  presence_penalty: number;
  frequency_penalty: number;
}

/**
 * Constrains an answer to JSON (WebLLM's `response_format`): any JSON object, or one matching
 * `schema`, the text of a JSON Schema the user pasted (validated before it gets here).
 */
export interface ResponseFormat {
  type: 'json_object';
  schema?: string | undefined;
}

export interface ChatRequest {
  messages: EngineMessage[];
  sampling: SamplingSettings;
  /** Absent: the model answers in free text. */
  responseFormat?: ResponseFormat | undefined;
}

/** Raw progress as the engine reports it; `lib/engine/progress.ts` turns it into phases. */
export interface LoadProgress {
  /** 0..1 within the current phase */
  fraction: number;
  /** The engine's own status line, e.g. WebLLM's "Fetching param cache[3/24]: 120MB fetched…". */
  text: string;
  elapsedMs: number;
  /** Engines that know their phase and byte counts say so; WebLLM's are read from `text`. */
  phase?: 'preparing' | 'downloading' | 'loading' | 'compiling' | 'ready';
  loadedBytes?: number;
  totalBytes?: number;
}

/** Which engine and hardware answer, and why: shown to the user. */
export interface EngineBackend {
  /** e.g. "WebLLM", "llama.cpp" */
  engine: string;
  /** 'remote': the model runs on the user's server, not on this device. */
  device: 'webgpu' | 'cpu' | 'simulated' | 'remote';
  threads: number | null;
  reason: string;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface GenerationTimings {
  /** From request to first token, in ms. */
  timeToFirstTokenMs: number;
  /** From request to last token, in ms. */
  totalMs: number;
  /** Completion tokens per second over the decode phase. */
  decodeTokensPerSecond: number;
}

export type FinishReason = 'stop' | 'length' | 'aborted';

export type ChatStreamEvent =
  | { type: 'delta'; text: string }
  | { type: 'done'; finishReason: FinishReason; usage: TokenUsage; timings: GenerationTimings };

export interface ChatEngine {
  readonly kind: EngineKind;
  /** The model that is loaded now, or null. */
  readonly loadedModelId: string | null;
  /** What runs the loaded model; null before a load. */
  readonly backend: EngineBackend | null;
  /** Tokens the loaded model can hold (prompt and answer together); null before a load. */
  readonly contextWindow: number | null;
  /**
   * Loads a model, reporting progress. Loading the model that is already loaded is a no-op;
   * loading another one unloads the current one first. Aborting the signal cancels the load
   * (the engine is then left with no model) and rejects with an `EngineError` of code 'aborted'.
   */
  load(modelId: string, onProgress: (progress: LoadProgress) => void, signal?: AbortSignal): Promise<void>;
  /**
   * Streams one completion. The stream always ends with exactly one `done` event unless it throws
   * an `EngineError`. Aborting the signal ends the stream early with finishReason 'aborted' and
   * whatever text had arrived.
   */
  chat(request: ChatRequest, signal?: AbortSignal): AsyncIterable<ChatStreamEvent>;
  unload(): Promise<void>;
  /** Releases the worker and everything it holds. The engine cannot be used afterwards. */
  dispose(): void;
}

export type EngineErrorCode =
  | 'no-webgpu'
  | 'not-loaded'
  | 'bad-model'
  | 'aborted'
  | 'network'
  | 'quota'
  | 'device-lost'
  | 'worker-crashed'
  | 'load-failed'
  | 'generation-failed'
  // A remote endpoint's failures (lib/engine/remote-errors.ts):
  /** The server could not be reached, or its CORS policy refused this page. */
  | 'unreachable'
  /** 401/403, or the stored API key is locked behind its passphrase. */
  | 'unauthorized'
  /** 404: no such model or path on the server. */
  | 'not-found'
  /** 429: the server asked to wait; `retryAt` says until when, if it said. */
  | 'rate-limited'
  /** No answer in time: before the response started, or between two chunks. */
  | 'timeout'
  /** The connection dropped mid-answer; what arrived is kept. */
  | 'disconnected';

/** Every failure that crosses the seam is one of these, never a bare string. */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  /** 'rate-limited' only: when the server will take requests again (ms since the epoch). */
  readonly retryAt: number | undefined;
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    options?: { cause?: unknown; retryAt?: number | undefined },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.retryAt = options?.retryAt;
  }
}

export function isEngineError(error: unknown, code?: EngineErrorCode): error is EngineError {
  return error instanceof EngineError && (code === undefined || error.code === code);
}

/** An engine with a model loaded, as the chat layer uses it. */
export type ReadyEngine = Pick<ChatEngine, 'kind' | 'chat'> & {
  readonly modelId: string;
  readonly backend: EngineBackend | null;
  readonly contextWindow: number;
};
