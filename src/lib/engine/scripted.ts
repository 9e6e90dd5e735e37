/**
 * The scripted demo engine: deterministic replies at a configurable pace, with injectable
 * failures. It stands in for WebLLM's `MLCEngine` *behind* WebLLM's own worker handler
 * (see scripted-worker.ts), so tests, demos and benchmarks run through the same client,
 * message protocol and worker boundary as a real model. Only the GPU work is replaced.
 *
 * It is never chosen silently: only `?engine=scripted` or the engine setting selects it.
 */
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
  ChatCompletionRequest,
  CompletionUsage,
  InitProgressCallback,
} from '@mlc-ai/web-llm';
import { MemoryShardStore, type ShardStore } from './scripted-cache';

export const SCRIPTED_MODEL_ID = 'hearth-scripted-demo';
/** What the demo model pretends to weigh. */
export const SCRIPTED_MODEL_BYTES = 128 * 1024 * 1024;

/** Each failure fires once per engine, so Retry succeeds, as it would after a real transient fault. */
export type ScriptedFailure =
  /** The download fails once it reaches `atFraction` (0..1); shards before that stay cached. */
  | { stage: 'load'; atFraction: number; message: string }
  /** Generation throws after `afterTokens` tokens have streamed. */
  | { stage: 'generate'; afterTokens: number; message: string }
  /** The worker dies after `afterTokens` tokens, as on an out-of-memory kill. */
  | { stage: 'crash'; afterTokens: number; message: string };

/** The words real failures arrive with, so the same classification paths are exercised. */
const FAILURE_MESSAGES = {
  network: 'TypeError: Failed to fetch',
  quota: "QuotaExceededError: Failed to execute 'put' on 'Cache': Quota exceeded.",
  'device-lost': 'Device was lost. This can happen due to insufficient memory or other GPU constraints.',
  crash: 'Simulated worker crash',
} as const;

export interface Script {
  /** The n-th user turn of a conversation gets `replies[n % replies.length]`; `{{input}}` is the user's message. */
  replies: string[];
  tokensPerSecond: number;
  firstTokenDelayMs: number;
  /** Duration of the synthetic model load. */
  loadMs: number;
  failure: ScriptedFailure | null;
}

export const DEFAULT_SCRIPT: Script = {
  replies: [
    [
      'This is **Hearth’s demo engine** answering “{{input}}”.',
      '',
      'No language model is running: the demo engine streams a fixed script so you can try the app',
      'without downloading anything. It still goes through the real engine worker and message protocol.',
      '',
      '- Replies stream token by token, and **Stop** keeps what has arrived.',
      '- Conversations are saved in this browser only.',
      '',
      '```ts',
      'const answer = await hearth.ask("{{input}}");',
      '```',
    ].join('\n'),
    [
      'Another scripted reply, to “{{input}}”.',
      '',
      '1. Load a real model from the header when your browser supports WebGPU.',
      '2. Everything stays on this device.',
    ].join('\n'),
  ],
  tokensPerSecond: 40,
  firstTokenDelayMs: 250,
  loadMs: 1200,
  failure: null,
};

/** Reads a script from URL parameters: `tps`, `ttft`, `load`, `reply` (repeatable) and `fail`. */
export function scriptFromSearchParams(params: URLSearchParams): Partial<Script> {
  const script: Partial<Script> = {};
  const number = (name: string): number | undefined => {
    const raw = params.get(name);
    if (raw === null || raw.trim() === '') return undefined;
    const value = Number(raw);
    return Number.isFinite(value) && value >= 0 ? value : undefined;
  };
  const tokensPerSecond = number('tps');
  if (tokensPerSecond !== undefined && tokensPerSecond > 0) script.tokensPerSecond = tokensPerSecond;
  const firstTokenDelayMs = number('ttft');
  if (firstTokenDelayMs !== undefined) script.firstTokenDelayMs = firstTokenDelayMs;
  const loadMs = number('load');
  if (loadMs !== undefined) script.loadMs = loadMs;
  const replies = params.getAll('reply').filter((reply) => reply.length > 0);
  if (replies.length > 0) script.replies = replies;
  const failure = parseFailure(params.get('fail'));
  if (failure) script.failure = failure;
  return script;
}

/**
 * `fail=<kind>:<at>[:message]`, where kind is
 *   load | network | quota   (at: fraction of the download, 0..1)
 *   generate | device-lost | crash   (at: tokens streamed first)
 */
function parseFailure(raw: string | null): ScriptedFailure | null {
  if (!raw) return null;
  const [kind, at, ...rest] = raw.split(':');
  const value = Number(at);
  if (!Number.isFinite(value) || value < 0) return null;
  const custom = rest.join(':');
  switch (kind) {
    case 'load':
    case 'network':
    case 'quota':
      return {
        stage: 'load',
        atFraction: Math.min(value, 1),
        message: custom || (kind === 'load' ? 'Injected load failure' : FAILURE_MESSAGES[kind]),
      };
    case 'generate':
    case 'device-lost':
      return {
        stage: 'generate',
        afterTokens: Math.floor(value),
        message: custom || (kind === 'generate' ? 'Injected generate failure' : FAILURE_MESSAGES[kind]),
      };
    case 'crash':
      return { stage: 'crash', afterTokens: Math.floor(value), message: custom || FAILURE_MESSAGES.crash };
    default:
      return null;
  }
}

/** Word-ish pieces of at most eight characters, each keeping its leading whitespace. */
export function scriptedTokens(text: string): string[] {
  return text.match(/\s*[^\s]{1,8}|\s+/g) ?? [];
}

export function scriptedReply(script: Script, messages: readonly ChatCompletionMessageParam[]): string {
  const userTurns = messages.filter((message) => message.role === 'user');
  const lastUser = userTurns.at(-1);
  const input = lastUser ? messageText(lastUser) : '';
  const template = script.replies[Math.max(0, userTurns.length - 1) % script.replies.length] ?? '';
  return template.replaceAll('{{input}}', input.trim().slice(0, 200));
}

/**
 * The reply in JSON mode (`response_format: {type: 'json_object'}`): a fixed document built
 * from the user's message, nested enough to exercise a tree view (objects, arrays, every
 * scalar type, empty containers). The script's text replies are not used, as a model under a
 * JSON grammar cannot produce them either.
 */
export function scriptedJsonReply(messages: readonly ChatCompletionMessageParam[], withSchema: boolean): string {
  const userTurns = messages.filter((message) => message.role === 'user');
  const input = messageText(userTurns.at(-1) ?? { role: 'user', content: '' }).trim().slice(0, 200);
  const words = input.split(/\s+/).filter((word) => word.length > 0).slice(0, 12);
  const document = {
    engine: SCRIPTED_MODEL_ID,
    input,
    turn: userTurns.length,
    schemaProvided: withSchema,
    wordCount: words.length,
    items: words.map((word, index) => ({ index, name: word, length: word.length, capitalised: /^\p{Lu}/u.test(word) })),
    summary: { characters: input.length, ratio: words.length === 0 ? 0 : Math.round((input.length / words.length) * 100) / 100, tags: ['demo', 'json'] },
    empty: { list: [], object: {} },
    nothing: null,
  };
  return JSON.stringify(document, null, 2);
}

function messageText(message: ChatCompletionMessageParam): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part) => ('text' in part && typeof part.text === 'string' ? part.text : '')).join('');
}

type Sleep = (ms: number) => Promise<void>;
// No timer for no delay: browsers stretch nested zero timers to 4 ms each, and a load takes a dozen.
const realSleep: Sleep = (ms) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

export interface ScriptedEnvironment {
  sleep?: Sleep;
  now?: () => number;
  /** Where "downloaded" shards are kept. */
  store?: ShardStore;
  /** How many bytes a model's download pretends to be. */
  sizeOf?: (modelId: string) => number;
  /** Ends the worker abruptly (the default throws an uncaught error, which kills nothing in a test). */
  crash?: (message: string) => void;
}

const SHARD_BYTES = 32 * 1024 * 1024;
const MB = 1024 * 1024;

/**
 * The subset of WebLLM's `MLCEngine` that `WebWorkerMLCEngineHandler` calls for chat.
 * Method names and shapes follow WebLLM so the handler cannot tell the difference.
 */
export class ScriptedMLCEngine {
  #script: Script;
  #loadedModel: string | null = null;
  #interrupted = false;
  #progress: InitProgressCallback | undefined;
  readonly #sleep: Sleep;
  readonly #now: () => number;
  readonly #store: ShardStore;
  readonly #sizeOf: (modelId: string) => number;
  readonly #crash: (message: string) => void;

  constructor(script: Partial<Script> = {}, environment: ScriptedEnvironment = {}) {
    this.#script = { ...DEFAULT_SCRIPT, ...script };
    this.#sleep = environment.sleep ?? realSleep;
    this.#now = environment.now ?? (() => performance.now());
    this.#store = environment.store ?? new MemoryShardStore();
    this.#sizeOf = environment.sizeOf ?? (() => SCRIPTED_MODEL_BYTES);
    this.#crash =
      environment.crash ??
      ((message) =>
        setTimeout(() => {
          throw new Error(message);
        }));
  }

  configure(script: Partial<Script>): void {
    this.#script = { ...DEFAULT_SCRIPT, ...script };
  }

  /** Takes the injected failure for `stage`, if any; it fires only once. */
  #takeFailure<S extends ScriptedFailure['stage']>(stage: S): Extract<ScriptedFailure, { stage: S }> | null {
    const failure = this.#script.failure;
    if (failure?.stage !== stage) return null;
    return failure as Extract<ScriptedFailure, { stage: S }>;
  }

  #clearFailure(): void {
    this.#script = { ...this.#script, failure: null };
  }

  setInitProgressCallback(callback: InitProgressCallback): void {
    this.#progress = callback;
  }

  getInitProgressCallback(): InitProgressCallback | undefined {
    return this.#progress;
  }

  /** WebLLM configuration calls that mean nothing to a script. */
  setAppConfig(): void {}
  setLogLevel(): void {}

  /**
   * Mirrors WebLLM's load: download the shards not yet cached, load every shard to the "GPU",
   * compile shaders. The phases and wording match WebLLM's, so progress parsing is exercised for real.
   */
  async reload(modelId: string | string[]): Promise<void> {
    const id = (Array.isArray(modelId) ? modelId[0] : modelId) ?? SCRIPTED_MODEL_ID;
    this.#loadedModel = null;
    const started = this.#now();
    const seconds = (): number => Math.round((this.#now() - started) / 1000);
    const report = (progress: number, text: string): void => this.#progress?.({ progress, timeElapsed: seconds(), text });

    const totalBytes = this.#sizeOf(id);
    const shards = Math.min(40, Math.max(4, Math.ceil(totalBytes / SHARD_BYTES)));
    const shardBytes = totalBytes / shards;
    const stored = await this.#store.storedShards(id);
    const { loadMs } = this.#script;
    const failure = this.#takeFailure('load');

    report(0, 'Start to fetch params');
    if (stored.size < shards) {
      for (let shard = 1; shard <= shards; shard++) {
        const fraction = shard / shards;
        if (!stored.has(shard)) {
          await this.#sleep((loadMs * 0.7) / shards);
          if (failure && fraction > failure.atFraction) {
            this.#clearFailure();
            throw new Error(failure.message);
          }
          await this.#store.putShard(id, shard, shardBytes);
        }
        const bytes = shard * shardBytes;
        report(
          fraction,
          `Fetching param cache[${shard}/${shards}]: ${Math.ceil(bytes / MB)}MB fetched. ${Math.floor(fraction * 100)}% completed, ` +
            `${seconds()} secs elapsed. It can take a while when we first visit this page to populate the cache. Later refreshes will become faster.`,
        );
      }
    }
    for (let shard = 1; shard <= shards; shard++) {
      await this.#sleep((loadMs * 0.1) / shards);
      const fraction = shard / shards;
      report(
        fraction,
        `Loading model from cache[${shard}/${shards}]: ${Math.ceil((shard * shardBytes) / MB)}MB loaded. ` +
          `${Math.floor(fraction * 100)}% completed, ${seconds()} secs elapsed.`,
      );
    }
    const shaders = 4;
    for (let shader = 1; shader <= shaders; shader++) {
      await this.#sleep((loadMs * 0.2) / shaders);
      const fraction = shader / shaders;
      report(fraction, `Loading GPU shader modules[${shader}/${shaders}]: ${Math.floor(fraction * 100)}% completed, ${seconds()} secs elapsed.`);
    }
    report(1, 'Finish loading on WebGPU - scripted demo engine');
    this.#loadedModel = id;
  }

  async unload(): Promise<void> {
    this.#loadedModel = null;
  }

  async resetChat(): Promise<void> {}

  interruptGenerate(): void {
    this.#interrupted = true;
  }

  async runtimeStatsText(): Promise<string> {
    return 'scripted engine: no runtime statistics';
  }

  async getMessage(): Promise<string> {
    return '';
  }

  async chatCompletion(request: ChatCompletionRequest): Promise<AsyncIterable<ChatCompletionChunk>> {
    if (this.#loadedModel === null) throw new Error('Model not loaded before calling chatCompletion().');
    if (!request.stream) throw new Error('The scripted engine only streams.');
    this.#interrupted = false;
    return this.#stream(request);
  }

  async *#stream(request: ChatCompletionRequest): AsyncGenerator<ChatCompletionChunk> {
    const { tokensPerSecond, firstTokenDelayMs } = this.#script;
    const failure = this.#takeFailure('generate');
    const crash = this.#takeFailure('crash');
    const model = this.#loadedModel ?? SCRIPTED_MODEL_ID;
    const format = request.response_format;
    const reply =
      format?.type === 'json_object' ? scriptedJsonReply(request.messages, Boolean(format.schema)) : scriptedReply(this.#script, request.messages);
    const tokens = scriptedTokens(reply);
    const maxTokens = request.max_tokens ?? Number.POSITIVE_INFINITY;
    const promptTokens = request.messages.reduce((sum, message) => sum + scriptedTokens(messageText(message)).length, 0);
    const started = this.#now();
    const chunk = (delta: string | null, finish: ChatCompletionChunk.Choice['finish_reason']): ChatCompletionChunk => ({
      id: `scripted-${started}`,
      object: 'chat.completion.chunk',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, delta: delta === null ? {} : { role: 'assistant', content: delta }, finish_reason: finish }],
    });

    let emitted = 0;
    let firstTokenAt = started;
    let finishReason: 'stop' | 'length' | 'abort' = 'stop';
    for (const token of tokens) {
      if (emitted >= maxTokens) {
        finishReason = 'length';
        break;
      }
      // Pace against the clock, not per-token timers, so high rates are not capped by timer clamping.
      const dueAt = started + firstTokenDelayMs + (emitted * 1000) / tokensPerSecond;
      const wait = dueAt - this.#now();
      if (wait > 0) await this.#sleep(wait);
      if (this.#interrupted) {
        finishReason = 'abort';
        break;
      }
      if (failure && emitted >= failure.afterTokens) {
        this.#clearFailure();
        throw new Error(failure.message);
      }
      if (crash && emitted >= crash.afterTokens) {
        this.#clearFailure();
        this.#crash(crash.message);
        // A dead worker answers nothing more.
        await new Promise<never>(() => {});
      }
      if (emitted === 0) firstTokenAt = this.#now();
      emitted++;
      yield chunk(token, null);
    }
    const finishedAt = this.#now();
    const decodeSeconds = Math.max((finishedAt - firstTokenAt) / 1000, 1e-3);
    const usage: CompletionUsage = {
      prompt_tokens: promptTokens,
      completion_tokens: emitted,
      total_tokens: promptTokens + emitted,
      extra: {
        e2e_latency_s: (finishedAt - started) / 1000,
        prefill_tokens_per_s: promptTokens / Math.max((firstTokenAt - started) / 1000, 1e-3),
        decode_tokens_per_s: emitted > 1 ? (emitted - 1) / decodeSeconds : 0,
        time_to_first_token_s: (firstTokenAt - started) / 1000,
        time_per_output_token_s: emitted > 1 ? decodeSeconds / (emitted - 1) : 0,
      },
    };
    yield chunk(null, finishReason);
    if (request.stream_options?.include_usage) yield { ...chunk(null, null), choices: [], usage };
  }
}
