/**
 * The remote engine against the mock OpenAI-compatible server, over real HTTP (Node's fetch).
 * CORS cannot happen outside a browser: the end-to-end tests cover it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { DEFAULT_SAMPLING } from '../../../src/lib/config';
import { EngineError, isEngineError, type ChatRequest, type ChatStreamEvent } from '../../../src/lib/engine/protocol';
import { DEFAULT_REMOTE_CONTEXT, RemoteEngine, listRemoteModels, parseModelList, requestBody, type RemoteConnection } from '../../../src/lib/engine/remote';
import { OpenAiMock } from '../../fixtures/openai-mock';

const KEY = 'sk-test-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c';
let mock: OpenAiMock;

beforeAll(async () => {
  mock = await OpenAiMock.start({ apiKey: KEY, tokenDelayMs: 2 });
});

afterAll(async () => {
  await mock?.close();
});

beforeEach(() => {
  mock.apiKey = KEY;
  mock.tokenDelayMs = 2;
  mock.requests.length = 0;
});

function engine(overrides: Partial<RemoteConnection> = {}, now = () => Date.now()): RemoteEngine {
  const connection = { apiBase: `${mock.origin}/v1`, apiKey: KEY, timeoutMs: 5000, ...overrides };
  return new RemoteEngine({ connection: async () => connection }, { now, pageOrigin: 'http://127.0.0.1:5173' });
}

async function loaded(overrides: Partial<RemoteConnection> = {}, model = 'mock-llama', now?: () => number): Promise<RemoteEngine> {
  const remote = engine(overrides, now);
  await remote.load(`remote:${model}`, () => {});
  return remote;
}

const ask = (content: string, sampling = DEFAULT_SAMPLING): ChatRequest => ({ messages: [{ role: 'user', content }], sampling });

async function collect(stream: AsyncIterable<ChatStreamEvent>): Promise<{ text: string; events: ChatStreamEvent[]; error: unknown }> {
  const events: ChatStreamEvent[] = [];
  let error: unknown = null;
  try {
    for await (const event of stream) events.push(event);
  } catch (caught) {
    error = caught;
  }
  return { text: events.map((event) => (event.type === 'delta' ? event.text : '')).join(''), events, error };
}

describe('remote engine', () => {
  test('loading checks the model is served and takes its context window', async () => {
    const remote = await loaded();
    expect(remote.loadedModelId).toBe('remote:mock-llama');
    expect(remote.contextWindow).toBe(8192);
    expect(remote.backend).toMatchObject({ device: 'remote' });
    // A model the server does not report a context for gets the conservative default.
    expect((await loaded({}, 'mock-small')).contextWindow).toBe(DEFAULT_REMOTE_CONTEXT);
    expect(mock.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);

    const missing = await engine().load('remote:gpt-9', () => {}).catch((error: unknown) => error);
    expect(isEngineError(missing, 'not-found')).toBe(true);
    expect((missing as Error).message).toContain('mock-llama, mock-small');
  });

  test('streams the answer and ends with one done event carrying the server’s usage', async () => {
    const remote = await loaded();
    const { text, events, error } = await collect(remote.chat(ask('Is it streaming?', { ...DEFAULT_SAMPLING, seed: 7 })));
    expect(error).toBeNull();
    expect(text).toBe('Hello from the mock endpoint. You said: Is it streaming?');
    expect(events.filter((event) => event.type === 'done')).toHaveLength(1);
    const done = events.at(-1);
    expect(done).toMatchObject({ type: 'done', finishReason: 'stop', usage: { promptTokens: 3, completionTokens: 10 } });
    const body = mock.chats[0]?.body as Record<string, unknown>;
    expect(body).toMatchObject({ model: 'mock-llama', stream: true, stream_options: { include_usage: true }, seed: 7, max_tokens: DEFAULT_SAMPLING.max_tokens });
    expect(mock.chats[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  test('without usage from the server, the streamed chunks are counted', async () => {
    // A server that ignores stream_options: the mock sends usage only when asked for it.
    const remote = new RemoteEngine(
      { connection: async () => ({ apiBase: `${mock.origin}/v1`, apiKey: KEY, timeoutMs: 5000 }) },
      {
        fetch: (input, init) => {
          if (typeof init?.body !== 'string') return fetch(input, init);
          const { stream_options: _ignored, ...body } = JSON.parse(init.body) as Record<string, unknown>;
          return fetch(input, { ...init, body: JSON.stringify(body) });
        },
      },
    );
    await remote.load('remote:mock-llama', () => {});
    const { events } = await collect(remote.chat(ask('Count me')));
    const done = events.at(-1);
    expect(done?.type === 'done' && done.usage.completionTokens).toBe(events.filter((event) => event.type === 'delta').length);
    expect(done?.type === 'done' && done.usage.promptTokens).toBeGreaterThan(0);
  });

  test('stops at max_tokens with finish reason length', async () => {
    const remote = await loaded();
    const { events } = await collect(remote.chat(ask('A long one', { ...DEFAULT_SAMPLING, max_tokens: 3 })));
    expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'length', usage: { completionTokens: 3 } });
  });

  test('aborting ends the stream with what arrived, finish reason aborted', async () => {
    mock.tokenDelayMs = 40;
    const remote = await loaded();
    const abort = new AbortController();
    const events: ChatStreamEvent[] = [];
    for await (const event of remote.chat(ask('Stop me'), abort.signal)) {
      events.push(event);
      if (events.length === 2) abort.abort();
    }
    expect(events.filter((event) => event.type === 'delta')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'aborted' });
  });

  test('a wrong key is a clear 401, and the key the server echoes back is not in the message', async () => {
    const wrong = 'sk-wrong-0123456789abcdef0123456789abcdef';
    const error = await listRemoteModels({ apiBase: `${mock.origin}/v1`, apiKey: wrong, timeoutMs: 5000 }).catch((caught: unknown) => caught);
    expect(isEngineError(error, 'unauthorized')).toBe(true);
    expect((error as Error).message).toMatch(/refused the API key \(HTTP 401\)/);
    expect((error as Error).message).not.toContain(wrong);
    expect(JSON.stringify(error)).not.toContain(wrong);
  });

  test('429 says how long to wait and carries the time for the rate limiter', async () => {
    const remote = await loaded({}, 'mock-llama', () => 1_000_000);
    mock.failNext({ kind: 'status', status: 429, headers: { 'Retry-After': '30' } });
    const { error } = await collect(remote.chat(ask('Too many')));
    expect(isEngineError(error, 'rate-limited')).toBe(true);
    expect((error as EngineError).retryAt).toBe(1_030_000);
    expect((error as Error).message).toMatch(/limiting requests \(HTTP 429\)\. It asked to wait 30 s/);
  });

  test('a model the server no longer has is a 404 that names it', async () => {
    const remote = await loaded();
    mock.models = [{ id: 'mock-small' }];
    try {
      const { error } = await collect(remote.chat(ask('Hello?')));
      expect(isEngineError(error, 'not-found')).toBe(true);
      expect((error as Error).message).toContain('no model “mock-llama” (HTTP 404)');
      expect((error as Error).message).toContain('not found, try pulling it first');
    } finally {
      mock.models = [{ id: 'mock-llama', max_model_len: 8192 }, { id: 'mock-small' }];
    }
  });

  test('a disconnect mid-stream keeps the deltas that arrived and says what happened', async () => {
    const remote = await loaded();
    mock.failNext({ kind: 'disconnect', afterChunks: 3 });
    const { text, events, error } = await collect(remote.chat(ask('Cut me off')));
    expect(text).toBe('Hello from the');
    expect(events.some((event) => event.type === 'done')).toBe(false);
    expect(isEngineError(error, 'disconnected')).toBe(true);
    expect((error as Error).message).toMatch(/dropped in the middle of the answer\. The text that arrived is kept/);
  });

  test('times out waiting for the first byte, and between chunks', async () => {
    const remote = await loaded({ timeoutMs: 300 });
    mock.failNext({ kind: 'slow-first-byte', ms: 1500 });
    const slow = await collect(remote.chat(ask('Slow start')));
    expect(isEngineError(slow.error, 'timeout')).toBe(true);
    expect((slow.error as Error).message).toMatch(/did not start answering within 0\.3 s/);

    mock.failNext({ kind: 'stall', afterChunks: 2, ms: 1500 });
    const stalled = await collect(remote.chat(ask('Stall')));
    expect(stalled.text).toBe('Hello from');
    expect(isEngineError(stalled.error, 'timeout')).toBe(true);
    expect((stalled.error as Error).message).toMatch(/sent nothing for 0\.3 s in the middle of the answer/);
  });

  test('a server that is not there is unreachable, with the address in the message', async () => {
    const error = await listRemoteModels({ apiBase: 'http://127.0.0.1:9/v1', apiKey: null, timeoutMs: 5000 }).catch((caught: unknown) => caught);
    expect(isEngineError(error, 'unreachable')).toBe(true);
    expect((error as Error).message).toBe('Could not reach http://127.0.0.1:9. Is the server running, and is the address right?');
  });

  test('an error object inside the stream ends the answer with the server’s words', async () => {
    const remote = new RemoteEngine(
      { connection: async () => ({ apiBase: 'http://endpoint.test/v1', apiKey: null, timeoutMs: 5000 }) },
      {
        fetch: async (input) =>
          String(input).endsWith('/models')
            ? new Response(JSON.stringify({ data: [{ id: 'm' }] }))
            : new Response('data: {"choices":[{"delta":{"content":"Par"}}]}\r\n\r\ndata: {"error":{"message":"CUDA out of memory"}}\r\n\r\n', {
                headers: { 'Content-Type': 'text/event-stream' },
              }),
      },
    );
    await remote.load('remote:m', () => {});
    const { text, error } = await collect(remote.chat(ask('Hi')));
    expect(text).toBe('Par');
    expect(isEngineError(error, 'generation-failed')).toBe(true);
    expect((error as Error).message).toContain('“CUDA out of memory”');
  });
});

describe('remote request and model list shapes', () => {
  test('the request body uses OpenAI fields only; JSON mode maps to response_format', () => {
    const body = requestBody('m', { ...ask('x'), responseFormat: { type: 'json_object', schema: '{"type":"object"}' } });
    expect(body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } });
    expect(requestBody('m', { ...ask('x'), responseFormat: { type: 'json_object' } }).response_format).toEqual({ type: 'json_object' });
    expect('seed' in requestBody('m', ask('x'))).toBe(false);
  });

  test('model lists from Ollama, vLLM and llama.cpp server', () => {
    const ollama = '{"object":"list","data":[{"id":"llama3.2:1b","object":"model","created":1,"owned_by":"library"}]}';
    const vllm = '{"object":"list","data":[{"id":"meta-llama/Llama-3.2-1B-Instruct","object":"model","owned_by":"vllm","max_model_len":131072}]}';
    const llamacpp = '{"object":"list","data":[{"id":"model.gguf","object":"model","owned_by":"llamacpp","meta":{"n_ctx_train":32768,"n_vocab":151936}}]}';
    expect(parseModelList(ollama, 'o')).toEqual([{ id: 'llama3.2:1b', contextWindow: null, ownedBy: 'library' }]);
    expect(parseModelList(vllm, 'o')[0]?.contextWindow).toBe(131072);
    expect(parseModelList(llamacpp, 'o')[0]?.contextWindow).toBe(32768);
    expect(() => parseModelList('<html>', 'http://x')).toThrow(/did not answer \/models with JSON/);
    expect(() => parseModelList('{"models":[]}', 'http://x')).toThrow(/without a model list/);
  });
});
