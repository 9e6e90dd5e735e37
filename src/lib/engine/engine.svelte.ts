/**
 * The page's engines and the one model they hold: created lazily, loaded once, reused by every
 * conversation, moved between tabs on request, and reloaded by itself after a GPU reset or a
 * worker crash. Real mode runs MLC models on WebLLM and GGUF models on llama.cpp; demo mode
 * runs everything on the scripted engine. `remote:` models go to the user's own endpoint in
 * either mode. Components read `state`; the chat layer asks for `ready`.
 *
 * The one-tab GPU lock (tab-lock.ts) is for models on this device's GPU. A remote model uses
 * none, so loading one neither waits for the lock nor takes it; switching to one frees the local
 * model and releases the lock, so another tab may load its model meanwhile. Several tabs can
 * chat with the endpoint at once: the server queues requests, and the guard's limits are shared.
 */
import type { ModelCache } from './cache';
import type { EngineChoice } from './choice';
import { isGgufModelId } from './gguf-ids';
import type { RemoteAccess } from './remote';
import { isRemoteModelId } from './remote-ids';
import { LoadTracker, type LoadStatus } from './progress';
import {
  EngineError,
  isEngineError,
  type ChatEngine,
  type ChatRequest,
  type ChatStreamEvent,
  type EngineBackend,
  type EngineKind,
  type ReadyEngine,
} from './protocol';
import { catalogDownloadBytes } from './gguf-catalog';
import type { DeviceProfile } from './models';
import { SCRIPTED_MODEL_BYTES, SCRIPTED_MODEL_ID, type Script } from './scripted';
import { claimEarlyWorker, discardEarlyWorker, scriptedWorkers, spawnWebLLMWorker, started } from './spawn';
import { GpuTabLock } from './tab-lock';
import { SIMULATED_DEVICE, deviceProfile, probeWebGPU } from './webgpu';

export type EngineState =
  | { phase: 'checking' }
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

export type EngineFactory = (kind: EngineKind, script: Partial<Script>, remote?: RemoteAccess) => Promise<ChatEngine>;
export type CacheFactory = (choice: EngineChoice) => Promise<ModelCache>;

const importEngine: EngineFactory = async (kind, script, remote) => {
  if (kind === 'remote') {
    if (!remote) throw new EngineError('unreachable', 'No endpoint is set up. Add yours under Models → Your server.');
    const { RemoteEngine } = await import('./remote');
    return new RemoteEngine(remote);
  }
  if (kind === 'gguf') {
    const { GgufEngine } = await import('./gguf');
    return new GgufEngine();
  }
  // The worker starts (or started, see startEarly) before WebLLM's client is imported, so the
  // two load side by side.
  const early = claimEarlyWorker(kind);
  const spawn = early?.spawn ?? (kind === 'scripted' ? scriptedWorkers(script) : spawnWebLLMWorker);
  const first = early?.first ?? started(spawn());
  const { WebLLMWorkerEngine } = await import('./webllm');
  return new WebLLMWorkerEngine(kind, spawn, first);
};

const importCache: CacheFactory = async (choice) => {
  if (choice.kind === 'scripted') {
    const [{ ScriptedModelCache }, { default: catalog }] = await Promise.all([import('./cache-scripted'), import('virtual:model-catalog')]);
    const sizes = catalogDownloadBytes(catalog);
    return new ScriptedModelCache((id) => sizes.get(id) ?? SCRIPTED_MODEL_BYTES, choice.simulatedQuotaBytes);
  }
  const [{ WebLLMModelCache }, { GgufModelCache, CombinedModelCache }, { CacheManager }] = await Promise.all([
    import('./cache-webllm'),
    import('./cache-gguf'),
    import('@wllama/wllama'),
  ]);
  return new CombinedModelCache(new WebLLMModelCache(), new GgufModelCache(new CacheManager()));
};

/** Engine failures after which the loaded model is gone and must be loaded again. */
const FATAL: ReadonlySet<EngineError['code']> = new Set(['worker-crashed', 'device-lost']);

export interface EngineHostOptions {
  factory?: EngineFactory;
  cacheFactory?: CacheFactory;
  probe?: typeof probeWebGPU;
  onEvent?: (event: EngineEvent) => void;
  now?: () => number;
  /** When progress is next shown (the next animation frame; tests pass their own). */
  nextFrame?: (callback: () => void) => void;
  /** Where `remote:` models are served, and the key: the user's endpoint. */
  remote?: RemoteAccess;
}

export class EngineHost {
  state: EngineState = $state({ phase: 'checking' });
  /** What the device offers, once probed; the demo engine gets a simulated laptop. */
  device: DeviceProfile | null = $state(null);
  /** Why WebGPU models cannot run here, in words for the user; null when they can. */
  webgpuProblem: string | null = $state(null);
  /** What runs the loaded model, and why. */
  backend: EngineBackend | null = $state(null);
  /** The mode: 'scripted' is the demo; 'webllm' means the real engines (WebLLM and llama.cpp). */
  readonly kind: EngineChoice['kind'];
  readonly choice: EngineChoice;

  readonly #engines = new Map<EngineKind, ChatEngine>();
  /** The engine holding the loaded (or loading) model. */
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
  readonly #nextFrame: (callback: () => void) => void;
  readonly #remote: RemoteAccess | undefined;

  constructor(choice: EngineChoice, options: EngineHostOptions = {}) {
    this.choice = choice;
    this.kind = choice.kind;
    this.#factory = options.factory ?? importEngine;
    this.#cacheFactory = options.cacheFactory ?? importCache;
    this.#probe = options.probe ?? probeWebGPU;
    this.#onEvent = options.onEvent ?? (() => {});
    this.#now = options.now ?? (() => performance.now());
    this.#nextFrame = options.nextFrame ?? (typeof requestAnimationFrame === 'function' ? (callback) => requestAnimationFrame(callback) : queueMicrotask);
    this.#remote = options.remote;
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

  /** Probes what this browser offers. Without WebGPU, GGUF models still run on the CPU. */
  async init(): Promise<void> {
    if (this.kind === 'scripted') {
      this.device = SIMULATED_DEVICE;
    } else {
      const support = await this.#probe();
      this.device = deviceProfile(support.ok ? support.adapter : null);
      this.webgpuProblem = support.ok ? null : support.message;
    }
    this.state = { phase: 'idle' };
  }

  /** Copies GGUF files the user opened into this browser's model storage; returns the model id. */
  async importLocalModel(files: File[]): Promise<string> {
    const { importLocalGguf } = await import('./gguf');
    return importLocalGguf(files);
  }

  /**
   * Loads a model, once. If another tab holds a model on the GPU, stops at 'elsewhere' unless
   * `takeOver` is set, in which case it asks that tab to let go and waits for it.
   */
  async load(modelId: string, options: { takeOver?: boolean } = {}): Promise<void> {
    const phase = this.state.phase;
    if (phase === 'checking') return;
    if (phase === 'ready' && this.state.modelId === modelId) return;
    this.#loadAbort?.abort();
    const abort = new AbortController();
    this.#loadAbort = abort;
    const recovering = phase === 'failed' && FATAL.has(this.state.error.code);
    const onGpu = !isRemoteModelId(modelId);

    if (onGpu && !this.#lock.held) {
      if (!options.takeOver) {
        if (!(await this.#lock.tryAcquire())) {
          if (this.#loadAbort === abort) this.state = { phase: 'elsewhere', modelId };
          return;
        }
      } else {
        this.state = { phase: 'loading', modelId, progress: null, recovering };
        this.#lock.requestHandover();
        try {
          await this.#lock.acquire(abort.signal);
        } catch {
          if (this.#loadAbort === abort) this.state = { phase: 'idle' };
          return;
        }
      }
    }
    if (this.#loadAbort !== abort) return;

    const tracker = new LoadTracker();
    this.state = { phase: 'loading', modelId, progress: null, recovering };
    this.backend = null;
    try {
      const engine = await this.#engineFor(modelId);
      // The local model, if any, was just let go: another tab may use the GPU now.
      if (!onGpu) this.#lock.release();
      if (this.#loadAbort !== abort) return;
      let fromCache = true;
      // Shown once per frame: a load reports hundreds of times, often many times a frame.
      let shown: LoadStatus | null = null;
      const show = (): void => {
        if (this.#loadAbort === abort && shown) this.state = { phase: 'loading', modelId, progress: shown, recovering };
        shown = null;
      };
      await engine.load(
        modelId,
        (raw) => {
          if (this.#loadAbort !== abort) return;
          const progress = tracker.update(raw, this.#now());
          fromCache &&= progress.fromCache;
          if (shown === null) this.#nextFrame(show);
          shown = progress;
        },
        abort.signal,
      );
      if (this.#loadAbort !== abort) return;
      this.#ready = this.#readyEngine(engine, modelId);
      this.backend = engine.backend;
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
    this.#disposeEngines();
    this.#lock.dispose();
    discardEarlyWorker();
  }

  /** The engine for a model, created on first use; the one holding another model lets it go first. */
  async #engineFor(modelId: string): Promise<ChatEngine> {
    const kind: EngineKind = isRemoteModelId(modelId) ? 'remote' : this.kind === 'scripted' ? 'scripted' : isGgufModelId(modelId) ? 'gguf' : 'webllm';
    let engine = this.#engines.get(kind);
    if (!engine) {
      engine = await this.#factory(kind, this.choice.script, this.#remote);
      this.#engines.set(kind, engine);
    }
    if (this.#engine && this.#engine !== engine) {
      // Two models on one GPU rarely fit: switching engines frees the other one entirely.
      this.#engines.delete(this.#engine.kind);
      this.#engine.dispose();
    }
    this.#engine = engine;
    return engine;
  }

  #disposeEngines(): void {
    for (const engine of this.#engines.values()) engine.dispose();
    this.#engines.clear();
    this.#engine = null;
    this.backend = null;
  }

  /** Another tab asked for the model: free the GPU and the lock. */
  #handOver(): void {
    const modelId = this.state.phase === 'ready' || this.state.phase === 'loading' ? this.state.modelId : null;
    this.#loadAbort?.abort();
    this.#disposeEngines();
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
      backend: engine.backend,
      contextWindow: engine.contextWindow ?? 4096,
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
