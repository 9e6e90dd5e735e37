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

export const SCRIPTED_MODEL_ID = 'hearth-scripted-demo';

export type ScriptedFailure =
  /** The load fails once progress reaches `atFraction` (0..1). */
  | { stage: 'load'; atFraction: number; message: string }
  /** Generation throws after `afterTokens` tokens have streamed. */
  | { stage: 'generate'; afterTokens: number; message: string };

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

/** `fail=load:0.5` or `fail=generate:20`, optionally followed by `:message`. */
function parseFailure(raw: string | null): ScriptedFailure | null {
  if (!raw) return null;
  const [stage, at, ...rest] = raw.split(':');
  const value = Number(at);
  if (!Number.isFinite(value) || value < 0) return null;
  const message = rest.join(':') || `Injected ${stage} failure`;
  if (stage === 'load') return { stage, atFraction: Math.min(value, 1), message };
  if (stage === 'generate') return { stage, afterTokens: Math.floor(value), message };
  return null;
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
const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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

  constructor(script: Partial<Script> = {}, clock: { sleep?: Sleep; now?: () => number } = {}) {
    this.#script = { ...DEFAULT_SCRIPT, ...script };
    this.#sleep = clock.sleep ?? realSleep;
    this.#now = clock.now ?? (() => performance.now());
  }

  configure(script: Partial<Script>): void {
    this.#script = { ...DEFAULT_SCRIPT, ...script };
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

  async reload(modelId: string | string[]): Promise<void> {
    const id = Array.isArray(modelId) ? modelId[0] : modelId;
    this.#loadedModel = null;
    const { loadMs, failure } = this.#script;
    const started = this.#now();
    // Mirror WebLLM's phases and wording so progress parsing is exercised for real.
    const shards = 8;
    const shardBytes = 16 * 1024 * 1024;
    const report = (progress: number, text: string): void =>
      this.#progress?.({ progress, timeElapsed: Math.round((this.#now() - started) / 1000), text });
    report(0, 'Start to fetch params');
    for (let shard = 1; shard <= shards; shard++) {
      await this.#sleep((loadMs * 0.7) / shards);
      const fraction = shard / shards;
      if (failure?.stage === 'load' && fraction >= failure.atFraction) throw new Error(failure.message);
      const megabytes = Math.ceil((shard * shardBytes) / (1024 * 1024));
      report(
        fraction,
        `Fetching param cache[${shard}/${shards}]: ${megabytes}MB fetched. ${Math.floor(fraction * 100)}% completed, ` +
          `${Math.round((this.#now() - started) / 1000)} secs elapsed. It can take a while when we first visit this page to populate the cache. Later refreshes will become faster.`,
      );
    }
    const shaders = 4;
    for (let shader = 1; shader <= shaders; shader++) {
      await this.#sleep((loadMs * 0.3) / shaders);
      const fraction = shader / shaders;
      report(
        fraction,
        `Loading GPU shader modules[${shader}/${shaders}]: ${Math.floor(fraction * 100)}% completed, ` +
          `${Math.round((this.#now() - started) / 1000)} secs elapsed.`,
      );
    }
    report(1, 'Finish loading on the scripted demo engine');
    this.#loadedModel = id ?? SCRIPTED_MODEL_ID;
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
    const { tokensPerSecond, firstTokenDelayMs, failure } = this.#script;
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
      if (failure?.stage === 'generate' && emitted >= failure.afterTokens) throw new Error(failure.message);
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
