/**
 * The remote engine: the user's own OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp server,
 * anything speaking `/v1/models` and streaming `/v1/chat/completions`). "Loading" a model checks
 * that the server lists it; answers stream back as Server-Sent Events.
 *
 * Where to connect and the API key come from `RemoteAccess` at each request, so a key unlocked,
 * changed or forgotten takes effect at once and is never held here. The key goes only into the
 * Authorization header: never into a message, a log or an error (see remote-errors.ts).
 */
import {
  EngineError,
  type ChatEngine,
  type ChatRequest,
  type ChatStreamEvent,
  type EngineBackend,
  type EngineMessage,
  type FinishReason,
  type LoadProgress,
  type ResponseFormat,
} from './protocol';
import { disconnectedError, httpError, networkError, streamError, timeoutError, type RequestContext } from './remote-errors';
import { remoteModelName } from './remote-ids';
import { SseParser } from './sse';

/** Where and how to connect, as the user configured it. */
export interface RemoteConnection {
  /** e.g. `http://localhost:11434/v1` (see `resolveApiBase`). */
  apiBase: string;
  apiKey: string | null;
  /** The longest wait for the answer to start, and between two of its chunks. */
  timeoutMs: number;
}

export interface RemoteAccess {
  /** The connection to use now; throws an EngineError when there is none (no endpoint, key locked…). */
  connection(): Promise<RemoteConnection>;
}

export interface RemoteModel {
  id: string;
  /** From the server when it says (vLLM's `max_model_len`, llama.cpp's `n_ctx_train`); else null. */
  contextWindow: number | null;
  ownedBy: string | null;
}

type Fetch = typeof fetch;

export interface RemoteEngineOptions {
  fetch?: Fetch;
  /** Wall clock (Retry-After dates). */
  now?: () => number;
  /** Monotonic clock (timings). */
  monotonic?: () => number;
  /** The page's origin, named in CORS advice. */
  pageOrigin?: string;
}

/** Ollama's default context (it does not report one); vLLM and llama.cpp say theirs. */
export const DEFAULT_REMOTE_CONTEXT = 4096;

export class RemoteEngine implements ChatEngine {
  readonly kind = 'remote' as const;
  #loadedModelId: string | null = null;
  #backend: EngineBackend | null = null;
  #contextWindow = DEFAULT_REMOTE_CONTEXT;
  readonly #access: RemoteAccess;
  readonly #fetch: Fetch;
  readonly #now: () => number;
  readonly #monotonic: () => number;
  readonly #pageOrigin: string;

  constructor(access: RemoteAccess, options: RemoteEngineOptions = {}) {
    this.#access = access;
    // Bound: a bare `fetch` called as a method of another object throws "Illegal invocation".
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#now = options.now ?? Date.now;
    this.#monotonic = options.monotonic ?? (() => performance.now());
    this.#pageOrigin = options.pageOrigin ?? globalThis.location?.origin ?? 'this page';
  }

  get loadedModelId(): string | null {
    return this.#loadedModelId;
  }

  get backend(): EngineBackend | null {
    return this.#backend;
  }

  get contextWindow(): number | null {
    return this.#loadedModelId === null ? null : this.#contextWindow;
  }

  /** Checks that the server is reachable, accepts the key and serves this model. */
  async load(modelId: string, onProgress: (progress: LoadProgress) => void, signal?: AbortSignal): Promise<void> {
    const name = remoteModelName(modelId);
    if (name === null) throw new EngineError('bad-model', `“${modelId}” is not a model of your endpoint.`);
    this.#loadedModelId = null;
    this.#backend = null;
    const started = this.#monotonic();
    const report = (progress: Omit<LoadProgress, 'elapsedMs'>): void => onProgress({ ...progress, elapsedMs: this.#monotonic() - started });
    const connection = await this.#access.connection();
    const origin = new URL(connection.apiBase).origin;
    report({ phase: 'preparing', fraction: 0, text: `Asking ${origin} for its models` });
    const models = await listRemoteModels(connection, { fetch: this.#fetch, now: this.#now, pageOrigin: this.#pageOrigin, ...(signal ? { signal } : {}) });
    const model = models.find((item) => item.id === name);
    if (!model) {
      const listed = models.length === 0 ? 'none' : models.map((item) => item.id).slice(0, 8).join(', ');
      throw new EngineError('not-found', `${origin} does not serve “${name}”. The models it lists: ${listed}.`);
    }
    this.#contextWindow = model.contextWindow ?? DEFAULT_REMOTE_CONTEXT;
    this.#backend = {
      engine: `Your server · ${new URL(connection.apiBase).host}`,
      device: 'remote',
      threads: null,
      reason: `Answers come from ${origin}: prompts leave this device for that server.`,
    };
    this.#loadedModelId = modelId;
    report({ phase: 'ready', fraction: 1, text: 'Ready' });
  }

  async *chat(request: ChatRequest, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    const name = this.#loadedModelId === null ? null : remoteModelName(this.#loadedModelId);
    if (name === null) throw new EngineError('not-loaded', 'No model is loaded.');
    const connection = await this.#access.connection();
    const origin = new URL(connection.apiBase).origin;
    const context: RequestContext = { stage: 'chat', apiBase: connection.apiBase, model: name, hasKey: connection.apiKey !== null, apiKey: connection.apiKey };
    const seconds = Number((connection.timeoutMs / 1000).toFixed(1));
    const deadline = new Deadline(signal);
    const started = this.#monotonic();
    let firstTokenAt: number | null = null;
    let deltas = 0;
    let finishReason: FinishReason | null = null;
    let usage: { prompt_tokens?: number; completion_tokens?: number } | null = null;
    let engineTokensPerSecond = 0;
    let finished = false;

    try {
      let response: Response;
      try {
        deadline.start(connection.timeoutMs);
        response = await this.#fetch(`${connection.apiBase}/chat/completions`, {
          method: 'POST',
          headers: headers(connection.apiKey, { 'Content-Type': 'application/json', Accept: 'text/event-stream' }),
          body: JSON.stringify(requestBody(name, request)),
          signal: deadline.signal,
          credentials: 'omit',
          cache: 'no-store',
        });
      } catch {
        if (signal?.aborted) {
          finished = true;
          yield this.#done('aborted', request.messages, null, 0, started, null, 0);
          return;
        }
        if (deadline.expired) throw timeoutError('start', seconds, origin);
        throw await this.#networkFailure(context);
      } finally {
        deadline.stop();
      }
      if (!response.ok) throw httpError(response.status, context, await readText(response), response.headers.get('Retry-After'), this.#now());
      const body = response.body;
      if (!body) throw disconnectedError(origin);
      const reader = body.getReader();
      const parser = new SseParser();
      let sawDone = false;
      reading: for (;;) {
        let read: ReadableStreamReadResult<Uint8Array>;
        try {
          deadline.start(connection.timeoutMs);
          read = await reader.read();
        } catch {
          if (signal?.aborted) break;
          if (deadline.expired) throw timeoutError(firstTokenAt === null ? 'start' : 'between-chunks', seconds, origin);
          throw disconnectedError(origin);
        } finally {
          // Only the wait for the network is timed, not the time the reader takes with each delta.
          deadline.stop();
        }
        const events = read.done ? parser.end() : parser.push(read.value);
        for (const event of events) {
          if (event.data === '[DONE]') {
            sawDone = true;
            break reading;
          }
          const chunk = parseChunk(event.data);
          if (!chunk) continue;
          if (chunk.error !== undefined) throw streamError(origin, chunk.error, connection.apiKey);
          const choice = chunk.choices?.[0];
          const text = choice?.delta?.content;
          if (typeof text === 'string' && text.length > 0) {
            firstTokenAt ??= this.#monotonic();
            deltas++;
            yield { type: 'delta', text };
          }
          if (choice?.finish_reason) finishReason = choice.finish_reason === 'length' ? 'length' : 'stop';
          if (chunk.usage) usage = chunk.usage;
          // llama.cpp server reports its own decode speed.
          if (typeof chunk.timings?.predicted_per_second === 'number') engineTokensPerSecond = chunk.timings.predicted_per_second;
        }
        if (read.done) break;
      }
      if (signal?.aborted) finishReason = 'aborted';
      // A stream that ends with neither [DONE] nor a finish reason was cut, not finished.
      else if (!sawDone && finishReason === null) throw disconnectedError(origin);
      finished = true;
      yield this.#done(finishReason ?? 'stop', request.messages, usage, deltas, started, firstTokenAt, engineTokensPerSecond);
    } finally {
      deadline.dispose();
      // Closes the connection if the stream ended early (abort, error, or the reader stopped listening).
      if (!finished) deadline.abort();
    }
  }

  async unload(): Promise<void> {
    this.#loadedModelId = null;
    this.#backend = null;
  }

  dispose(): void {
    void this.unload();
  }

  #done(
    finishReason: FinishReason,
    messages: readonly EngineMessage[],
    usage: { prompt_tokens?: number; completion_tokens?: number } | null,
    deltas: number,
    started: number,
    firstTokenAt: number | null,
    engineTokensPerSecond: number,
  ): ChatStreamEvent {
    const end = this.#monotonic();
    // Without usage from the server, each streamed delta counts as one token (servers send about one per chunk).
    const completionTokens = usage?.completion_tokens ?? deltas;
    const decodeSeconds = firstTokenAt === null ? 0 : (end - firstTokenAt) / 1000;
    return {
      type: 'done',
      finishReason,
      usage: { promptTokens: usage?.prompt_tokens ?? estimatePromptTokens(messages), completionTokens },
      timings: {
        timeToFirstTokenMs: (firstTokenAt ?? end) - started,
        totalMs: end - started,
        decodeTokensPerSecond: engineTokensPerSecond || (decodeSeconds > 0 && completionTokens > 1 ? (completionTokens - 1) / decodeSeconds : 0),
      },
    };
  }

  async #networkFailure(context: RequestContext): Promise<EngineError> {
    return networkError(await probe(this.#fetch, context.apiBase), context, this.#pageOrigin);
  }
}

/** `GET /models`: what the endpoint serves. Shared by the engine's load and the settings' Test connection. */
export async function listRemoteModels(
  connection: RemoteConnection,
  options: { fetch?: Fetch; now?: () => number; pageOrigin?: string; signal?: AbortSignal } = {},
): Promise<RemoteModel[]> {
  const fetcher = options.fetch ?? globalThis.fetch.bind(globalThis);
  const context: RequestContext = { stage: 'models', apiBase: connection.apiBase, hasKey: connection.apiKey !== null, apiKey: connection.apiKey };
  const deadline = new Deadline(options.signal);
  const seconds = Number((connection.timeoutMs / 1000).toFixed(1));
  const origin = new URL(connection.apiBase).origin;
  try {
    let response: Response;
    try {
      deadline.start(connection.timeoutMs);
      response = await fetcher(`${connection.apiBase}/models`, { headers: headers(connection.apiKey, {}), signal: deadline.signal, credentials: 'omit', cache: 'no-store' });
    } catch {
      if (options.signal?.aborted) throw new EngineError('aborted', 'Cancelled.');
      if (deadline.expired) throw timeoutError('start', seconds, origin);
      const kind = await probe(fetcher, connection.apiBase);
      throw networkError(kind, context, options.pageOrigin ?? globalThis.location?.origin ?? 'this page');
    }
    const text = await readText(response);
    if (options.signal?.aborted) throw new EngineError('aborted', 'Cancelled.');
    if (deadline.expired) throw timeoutError('start', seconds, origin);
    if (!response.ok) throw httpError(response.status, context, text, response.headers.get('Retry-After'), (options.now ?? Date.now)());
    return parseModelList(text, origin);
  } finally {
    deadline.dispose();
  }
}

/** The OpenAI list shape (`{data: [{id, …}]}`), with the context fields some servers add. */
export function parseModelList(text: string, origin: string): RemoteModel[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new EngineError('load-failed', `${origin} did not answer /models with JSON: is this an OpenAI-compatible endpoint?`);
  }
  const data = typeof parsed === 'object' && parsed !== null ? (parsed as { data?: unknown }).data : undefined;
  if (!Array.isArray(data)) throw new EngineError('load-failed', `${origin} answered /models without a model list: is this an OpenAI-compatible endpoint?`);
  const models: RemoteModel[] = [];
  for (const item of data) {
    if (typeof item !== 'object' || item === null) continue;
    const record = item as Record<string, unknown>;
    if (typeof record.id !== 'string' || !record.id) continue;
    const meta = typeof record.meta === 'object' && record.meta !== null ? (record.meta as Record<string, unknown>) : {};
    const context = [record.max_model_len, meta.n_ctx_train, record.context_length, record.context_window].find(
      (value): value is number => typeof value === 'number' && Number.isInteger(value) && value > 0,
    );
    models.push({ id: record.id, contextWindow: context ?? null, ownedBy: typeof record.owned_by === 'string' ? record.owned_by : null });
  }
  return models;
}

/** The body of `POST /chat/completions`: OpenAI's fields, which Ollama, vLLM and llama.cpp all accept. */
export function requestBody(model: string, request: ChatRequest): Record<string, unknown> {
  const { sampling } = request;
  return {
    model,
    messages: request.messages.map(({ role, content }) => ({ role, content })),
    stream: true,
    // The final chunk then carries the token counts (servers that ignore it get counted by deltas).
    stream_options: { include_usage: true },
    temperature: sampling.temperature,
    top_p: sampling.top_p,
    max_tokens: sampling.max_tokens,
    presence_penalty: sampling.presence_penalty,
    frequency_penalty: sampling.frequency_penalty,
    ...(sampling.seed === undefined ? {} : { seed: sampling.seed }),
    ...(request.responseFormat ? { response_format: responseFormat(request.responseFormat) } : {}),
  };
}

function responseFormat(format: ResponseFormat): Record<string, unknown> {
  if (format.schema === undefined) return { type: 'json_object' };
  return { type: 'json_schema', json_schema: { name: 'answer', schema: JSON.parse(format.schema) as unknown } };
}

function headers(apiKey: string | null, extra: Record<string, string>): Record<string, string> {
  return apiKey ? { ...extra, Authorization: `Bearer ${apiKey}` } : extra;
}

interface Chunk {
  choices?: Array<{ delta?: { content?: string | null }; finish_reason?: string | null }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  timings?: { predicted_per_second?: number };
  error?: unknown;
}

function parseChunk(data: string): Chunk | null {
  try {
    const parsed: unknown = JSON.parse(data);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Chunk) : null;
  } catch {
    // A line that is not JSON (a proxy's banner, a stray keep-alive) carries no answer text.
    return null;
  }
}

/** About four characters a token plus a few per message: only used when the server reports no usage. */
function estimatePromptTokens(messages: readonly EngineMessage[]): number {
  return messages.reduce((sum, message) => sum + Math.ceil(message.content.length / 4) + 4, 0);
}

async function readText(response: Response): Promise<string> {
  try {
    return (await response.text()).slice(0, 8192);
  } catch {
    return '';
  }
}

/**
 * Did the server answer at all? A `no-cors` request gets an opaque answer from a running
 * server whatever its CORS policy, and fails like the real request if nothing is there.
 */
async function probe(fetcher: Fetch, apiBase: string): Promise<'cors' | 'unreachable'> {
  try {
    await fetcher(`${apiBase}/models`, { mode: 'no-cors', credentials: 'omit', cache: 'no-store', signal: AbortSignal.timeout(5000) });
    return 'cors';
  } catch {
    return 'unreachable';
  }
}

/** One AbortController for a request: the caller's signal, plus a timer restarted at each wait. */
class Deadline {
  readonly #controller = new AbortController();
  readonly #outer: AbortSignal | undefined;
  readonly #onAbort = (): void => this.#controller.abort();
  #timer: ReturnType<typeof setTimeout> | undefined;
  expired = false;

  constructor(outer: AbortSignal | undefined) {
    this.#outer = outer;
    if (outer?.aborted) this.#controller.abort();
    else outer?.addEventListener('abort', this.#onAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  start(ms: number): void {
    this.stop();
    this.#timer = setTimeout(() => {
      this.expired = true;
      this.#controller.abort();
    }, ms);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  abort(): void {
    this.#controller.abort();
  }

  dispose(): void {
    this.stop();
    this.#outer?.removeEventListener('abort', this.#onAbort);
  }
}
