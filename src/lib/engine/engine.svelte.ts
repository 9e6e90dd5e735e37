/**
 * The page's one engine: created lazily, loaded once, reused by every conversation.
 * Components read `state`; the chat layer asks for `ready`.
 */
import type { EngineChoice } from './choice';
import { EngineError, isEngineError, type ChatEngine, type ChatRequest, type ChatStreamEvent, type EngineKind, type LoadProgress, type ReadyEngine } from './protocol';
import { SCRIPTED_MODEL_ID, type Script } from './scripted';
import { probeWebGPU } from './webgpu';

export type EngineState =
  | { phase: 'checking' }
  | { phase: 'unsupported'; message: string }
  | { phase: 'idle' }
  | { phase: 'loading'; modelId: string; progress: LoadProgress | null }
  | { phase: 'ready'; modelId: string }
  | { phase: 'failed'; modelId: string; error: EngineError };

export type EngineFactory = (kind: EngineKind, script: Partial<Script>) => Promise<ChatEngine>;

const importEngine: EngineFactory = async (kind, script) => {
  const { createWebLLMEngine, createScriptedEngine } = await import('./webllm');
  return kind === 'scripted' ? createScriptedEngine(script) : createWebLLMEngine();
};

/** Engine failures after which the loaded model is gone and must be loaded again. */
const FATAL: ReadonlySet<EngineError['code']> = new Set(['worker-crashed', 'device-lost']);

export class EngineHost {
  state: EngineState = $state({ phase: 'checking' });
  readonly kind: EngineKind;
  readonly choice: EngineChoice;

  #engine: ChatEngine | null = null;
  #loadAbort: AbortController | null = null;
  #ready: ReadyEngine | null = null;
  readonly #factory: EngineFactory;
  readonly #probe: typeof probeWebGPU;

  constructor(choice: EngineChoice, options: { factory?: EngineFactory; probe?: typeof probeWebGPU } = {}) {
    this.choice = choice;
    this.kind = choice.kind;
    this.#factory = options.factory ?? importEngine;
    this.#probe = options.probe ?? probeWebGPU;
  }

  /** The model the scripted engine pretends to load; real engines load what the user picks. */
  get defaultModelId(): string | null {
    return this.kind === 'scripted' ? SCRIPTED_MODEL_ID : null;
  }

  /** The loaded engine, for the chat layer; null unless a model is ready. */
  get ready(): ReadyEngine | null {
    return this.state.phase === 'ready' ? this.#ready : null;
  }

  /** Checks that this browser can run the chosen engine. */
  async init(): Promise<void> {
    if (this.kind === 'webllm') {
      const support = await this.#probe();
      if (!support.ok) {
        this.state = { phase: 'unsupported', message: support.message };
        return;
      }
    }
    this.state = { phase: 'idle' };
  }

  async load(modelId: string): Promise<void> {
    if (this.state.phase === 'unsupported' || this.state.phase === 'checking') return;
    if (this.state.phase === 'ready' && this.state.modelId === modelId) return;
    this.#loadAbort?.abort();
    const abort = new AbortController();
    this.#loadAbort = abort;
    this.state = { phase: 'loading', modelId, progress: null };
    try {
      this.#engine ??= await this.#factory(this.kind, this.choice.script);
      await this.#engine.load(
        modelId,
        (progress) => {
          if (this.#loadAbort === abort) this.state = { phase: 'loading', modelId, progress };
        },
        abort.signal,
      );
      if (this.#loadAbort !== abort) return;
      this.#ready = this.#readyEngine(this.#engine, modelId);
      this.state = { phase: 'ready', modelId };
    } catch (error) {
      if (this.#loadAbort !== abort) return;
      if (isEngineError(error, 'aborted')) this.state = { phase: 'idle' };
      else this.state = { phase: 'failed', modelId, error: toEngineError(error) };
    } finally {
      if (this.#loadAbort === abort) this.#loadAbort = null;
    }
  }

  cancelLoad(): void {
    if (this.state.phase !== 'loading') return;
    this.#loadAbort?.abort();
  }

  dispose(): void {
    this.#loadAbort?.abort();
    this.#engine?.dispose();
    this.#engine = null;
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
          if (FATAL.has(engineError.code)) host.state = { phase: 'failed', modelId, error: engineError };
          throw engineError;
        }
      },
    };
  }
}

function toEngineError(error: unknown): EngineError {
  return error instanceof EngineError ? error : new EngineError('load-failed', error instanceof Error ? error.message : String(error));
}
