/**
 * The page's one engine: created lazily, loaded once, reused by every conversation, moved
 * between tabs on request, and reloaded by itself after a GPU reset or a worker crash.
 * Components read `state`; the chat layer asks for `ready`.
 */
import type { ModelCache } from './cache';
import type { EngineChoice } from './choice';
import type { DeviceProfile } from './models';
import { LoadTracker, type LoadStatus } from './progress';
import {
  EngineError,
  isEngineError,
  type ChatEngine,
  type ChatRequest,
  type ChatStreamEvent,
  type EngineKind,
  type ReadyEngine,
} from './protocol';
import { SCRIPTED_MODEL_ID, type Script } from './scripted';
import { GpuTabLock } from './tab-lock';
import { deviceProfile, probeWebGPU } from './webgpu';

export type EngineState =
  | { phase: 'checking' }
  | { phase: 'unsupported'; message: string }
  | { phase: 'idle' }
  | { phase: 'loading'; modelId: string; progress: LoadStatus | null; recovering: boolean }
  | { phase: 'ready'; modelId: string }
  | { phase: 'failed'; modelId: string; error: EngineError }
  /** Another tab holds a model on the GPU; the user chooses whether to move it here. */
  | { phase: 'elsewhere'; modelId: string }
  /** This tab gave its model to another tab. */
  | { phase: 'released'; modelId: string };

export type EngineEvent =
  | { type: 'ready'; modelId: string; fromCache: boolean; recovered: boolean }
  | { type: 'recovering'; modelId: string; error: EngineError }
  | { type: 'failed'; modelId: string; error: EngineError }
  | { type: 'released'; modelId: string };

export type EngineFactory = (kind: EngineKind, script: Partial<Script>) => Promise<ChatEngine>;
export type CacheFactory = (choice: EngineChoice) => Promise<ModelCache>;

const importEngine: EngineFactory = async (kind, script) => {
  const { createWebLLMEngine, createScriptedEngine } = await import('./webllm');
  return kind === 'scripted' ? createScriptedEngine(script) : createWebLLMEngine();
};

const importCache: CacheFactory = async (choice) => {
  if (choice.kind === 'scripted') {
    const [{ ScriptedModelCache }, { chatCatalog }, { default: catalog }, { SCRIPTED_MODEL_BYTES }] = await Promise.all([
      import('./cache-scripted'),
      import('./models'),
      import('virtual:model-catalog'),
      import('./scripted'),
    ]);
    const sizes = new Map(chatCatalog(catalog).map((entry) => [entry.id, entry.downloadBytes]));
    return new ScriptedModelCache((id) => sizes.get(id) ?? SCRIPTED_MODEL_BYTES, choice.simulatedQuotaBytes);
  }
  const { WebLLMModelCache } = await import('./cache-webllm');
  return new WebLLMModelCache();
};

/** Engine failures after which the loaded model is gone and must be loaded again. */
const FATAL: ReadonlySet<EngineError['code']> = new Set(['worker-crashed', 'device-lost']);

export interface EngineHostOptions {
  factory?: EngineFactory;
  cacheFactory?: CacheFactory;
  probe?: typeof probeWebGPU;
  onEvent?: (event: EngineEvent) => void;
  now?: () => number;
}

export class EngineHost {
  state: EngineState = $state({ phase: 'checking' });
  /** What the device offers, once probed; the demo engine without WebGPU gets a simulated profile. */
  device: DeviceProfile | null = $state(null);
  readonly kind: EngineKind;
  readonly choice: EngineChoice;

  #engine: ChatEngine | null = null;
  #cache: Promise<ModelCache> | null = null;
  #loadAbort: AbortController | null = null;
  #ready: ReadyEngine | null = null;
  readonly #lock: GpuTabLock;
  readonly #factory: EngineFactory;
  readonly #cacheFactory: CacheFactory;
  readonly #probe: typeof probeWebGPU;
  readonly #onEvent: (event: EngineEvent) => void;
  readonly #now: () => number;

  constructor(choice: EngineChoice, options: EngineHostOptions = {}) {
    this.choice = choice;
    this.kind = choice.kind;
    this.#factory = options.factory ?? importEngine;
    this.#cacheFactory = options.cacheFactory ?? importCache;
    this.#probe = options.probe ?? probeWebGPU;
    this.#onEvent = options.onEvent ?? (() => {});
    this.#now = options.now ?? (() => performance.now());
    this.#lock = new GpuTabLock(() => this.#handOver());
  }

  /** The model the scripted engine loads by itself; real engines load what the user picks. */
  get defaultModelId(): string | null {
    return this.kind === 'scripted' ? SCRIPTED_MODEL_ID : null;
  }

  /** The loaded engine, for the chat layer; null unless a model is ready. */
  get ready(): ReadyEngine | null {
    return this.state.phase === 'ready' ? this.#ready : null;
  }

  get loadedModelId(): string | null {
    return this.state.phase === 'ready' ? this.state.modelId : null;
  }

  /** The model cache of this engine (loaded lazily: it may pull in the engine's library). */
  cache(): Promise<ModelCache> {
    this.#cache ??= this.#cacheFactory(this.choice);
    return this.#cache;
  }

  /** Checks that this browser can run the chosen engine. */
  async init(): Promise<void> {
    const support = await this.#probe();
    if (support.ok) this.device = deviceProfile(support.adapter);
    else if (this.kind === 'scripted') this.device = deviceProfile(null);
    else {
      this.state = { phase: 'unsupported', message: support.message };
      return;
    }
    this.state = { phase: 'idle' };
  }

  /**
   * Loads a model, once. If another tab holds a model on the GPU, stops at 'elsewhere' unless
   * `takeOver` is set, in which case it asks that tab to let go and waits for it.
   */
  async load(modelId: string, options: { takeOver?: boolean } = {}): Promise<void> {
    const phase = this.state.phase;
    if (phase === 'unsupported' || phase === 'checking') return;
    if (phase === 'ready' && this.state.modelId === modelId) return;
    this.#loadAbort?.abort();
    const abort = new AbortController();
    this.#loadAbort = abort;
    const recovering = phase === 'failed' && FATAL.has(this.state.error.code);

    if (!this.#lock.held) {
      if (!options.takeOver && (await this.#lock.heldElsewhere())) {
        if (this.#loadAbort === abort) this.state = { phase: 'elsewhere', modelId };
        return;
      }
      this.state = { phase: 'loading', modelId, progress: null, recovering };
      if (options.takeOver) this.#lock.requestHandover();
      try {
        await this.#lock.acquire(abort.signal);
      } catch {
        if (this.#loadAbort === abort) this.state = { phase: 'idle' };
        return;
      }
    }
    if (this.#loadAbort !== abort) return;

    const tracker = new LoadTracker();
    this.state = { phase: 'loading', modelId, progress: null, recovering };
    try {
      this.#engine ??= await this.#factory(this.kind, this.choice.script);
      let fromCache = true;
      await this.#engine.load(
        modelId,
        (raw) => {
          if (this.#loadAbort !== abort) return;
          const progress = tracker.update(raw, this.#now());
          fromCache &&= progress.fromCache;
          this.state = { phase: 'loading', modelId, progress, recovering };
        },
        abort.signal,
      );
      if (this.#loadAbort !== abort) return;
      this.#ready = this.#readyEngine(this.#engine, modelId);
      this.state = { phase: 'ready', modelId };
      this.#onEvent({ type: 'ready', modelId, fromCache, recovered: recovering });
    } catch (error) {
      if (this.#loadAbort !== abort) return;
      if (isEngineError(error, 'aborted')) {
        this.state = { phase: 'idle' };
        this.#lock.release();
      } else {
        const engineError = toEngineError(error);
        // Nothing is on the GPU now: another tab may load its model meanwhile.
        this.#lock.release();
        this.state = { phase: 'failed', modelId, error: engineError };
        this.#onEvent({ type: 'failed', modelId, error: engineError });
      }
    } finally {
      if (this.#loadAbort === abort) this.#loadAbort = null;
    }
  }

  cancelLoad(): void {
    if (this.state.phase !== 'loading') return;
    this.#loadAbort?.abort();
  }

  /** The user chose to leave the model in the other tab. */
  keepElsewhere(): void {
    if (this.state.phase === 'elsewhere') this.state = { phase: 'idle' };
  }

  dispose(): void {
    this.#loadAbort?.abort();
    this.#engine?.dispose();
    this.#engine = null;
    this.#lock.dispose();
  }

  /** Another tab asked for the model: free the GPU and the lock. */
  #handOver(): void {
    const modelId = this.state.phase === 'ready' || this.state.phase === 'loading' ? this.state.modelId : null;
    this.#loadAbort?.abort();
    this.#engine?.dispose();
    this.#engine = null;
    this.#ready = null;
    this.#lock.release();
    if (modelId) {
      this.state = { phase: 'released', modelId };
      this.#onEvent({ type: 'released', modelId });
    } else this.state = { phase: 'idle' };
  }

  #readyEngine(engine: ChatEngine, modelId: string): ReadyEngine {
    const host = this;
    return {
      kind: engine.kind,
      modelId,
      async *chat(request: ChatRequest, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> {
        try {
          yield* engine.chat(request, signal);
        } catch (error) {
          const engineError = toEngineError(error);
          if (FATAL.has(engineError.code) && host.loadedModelId === modelId) host.#recover(modelId, engineError);
          throw engineError;
        }
      },
    };
  }

  /** After a GPU reset or a worker crash the model is gone; load it again (it is cached by now). */
  #recover(modelId: string, error: EngineError): void {
    this.state = { phase: 'failed', modelId, error };
    this.#onEvent({ type: 'recovering', modelId, error });
    void this.load(modelId);
  }
}

function toEngineError(error: unknown): EngineError {
  return error instanceof EngineError ? error : new EngineError('load-failed', error instanceof Error ? error.message : String(error));
}
