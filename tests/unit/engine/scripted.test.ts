import type { ChatCompletionChunk, ChatCompletionRequestStreaming, InitProgressReport } from '@mlc-ai/web-llm';
import { describe, expect, test } from 'vitest';
import {
  DEFAULT_SCRIPT,
  ScriptedMLCEngine,
  scriptFromSearchParams,
  scriptedJsonReply,
  scriptedReply,
  scriptedTokens,
  type Script,
} from '../../../src/lib/engine/scripted';
import { MemoryShardStore } from '../../../src/lib/engine/scripted-cache';

/** A clock that only moves when the engine sleeps, so pacing is exact and instant. */
function fakeClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
    advance: (ms: number) => (now += ms),
  };
}

function request(content: string, extra: Partial<ChatCompletionRequestStreaming> = {}): ChatCompletionRequestStreaming {
  return { stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content }], ...extra };
}

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const text = (chunks: ChatCompletionChunk[]): string => chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');

async function loaded(script: Partial<Script> = {}, clock = fakeClock()) {
  const engine = new ScriptedMLCEngine({ loadMs: 0, ...script }, clock);
  await engine.reload('demo');
  return { engine, clock };
}

describe('scripted tokens and replies', () => {
  test('JSON mode replies with the same valid JSON document for the same input', () => {
    const messages = [{ role: 'user' as const, content: ' Alpha beta  gamma ' }];
    const reply = scriptedJsonReply(messages, false);
    expect(scriptedJsonReply(messages, false)).toBe(reply);
    const document = JSON.parse(reply) as Record<string, unknown>;
    expect(document).toMatchObject({ input: 'Alpha beta  gamma', turn: 1, wordCount: 3, schemaProvided: false, nothing: null });
    expect(document.items).toEqual([
      { index: 0, name: 'Alpha', length: 5, capitalised: true },
      { index: 1, name: 'beta', length: 4, capitalised: false },
      { index: 2, name: 'gamma', length: 5, capitalised: false },
    ]);
  });

  test('a JSON-mode request streams the JSON reply instead of the script', async () => {
    const { engine } = await loaded({ replies: ['not this'], firstTokenDelayMs: 0 });
    const chunks = await collect(await engine.chatCompletion(request('one two', { response_format: { type: 'json_object' } })));
    expect(JSON.parse(text(chunks))).toMatchObject({ input: 'one two', wordCount: 2 });
  });

  test('tokens rebuild the text exactly and are at most eight visible characters', () => {
    const source = 'Hello   world, this is a deliberately-long-word\n\n```ts\nx = 1\n```';
    const tokens = scriptedTokens(source);
    expect(tokens.join('')).toBe(source);
    for (const token of tokens) expect(token.trim().length).toBeLessThanOrEqual(8);
  });

  test('the n-th user turn gets the n-th reply with the input substituted', () => {
    const script = { ...DEFAULT_SCRIPT, replies: ['first: {{input}}', 'second: {{input}}'] };
    const one = [{ role: 'user' as const, content: ' hi ' }];
    const three = [...one, { role: 'assistant' as const, content: 'x' }, { role: 'user' as const, content: 'again' }];
    expect(scriptedReply(script, one)).toBe('first: hi');
    expect(scriptedReply(script, three)).toBe('second: again');
    expect(scriptedReply(script, [...three, { role: 'assistant', content: 'y' }, { role: 'user', content: 'z' }])).toBe('first: z');
  });

  test('URL parameters configure rate, delays, replies and failures; nonsense is ignored', () => {
    const params = new URLSearchParams('tps=500&ttft=0&load=10&reply=a&reply=b&fail=generate:12:boom');
    expect(scriptFromSearchParams(params)).toEqual({
      tokensPerSecond: 500,
      firstTokenDelayMs: 0,
      loadMs: 10,
      replies: ['a', 'b'],
      failure: { stage: 'generate', afterTokens: 12, message: 'boom' },
    });
    expect(scriptFromSearchParams(new URLSearchParams('tps=-3&ttft=abc&fail=explode:1'))).toEqual({});
    expect(scriptFromSearchParams(new URLSearchParams('fail=load:2'))).toEqual({
      failure: { stage: 'load', atFraction: 1, message: 'Injected load failure' },
    });
  });
});

describe('ScriptedMLCEngine', () => {
  test('streams the same reply every time, then a finish chunk and a usage chunk', async () => {
    const { engine } = await loaded({ replies: ['one two three'] });
    const first = await collect(await engine.chatCompletion(request('q')));
    const second = await collect(await engine.chatCompletion(request('q')));
    expect(text(first)).toBe('one two three');
    expect(first).toEqual(second.map((chunk, i) => ({ ...chunk, id: first[i]?.id, created: first[i]?.created })));
    const finish = first.at(-2);
    expect(finish?.choices[0]?.finish_reason).toBe('stop');
    const usage = first.at(-1)?.usage;
    expect(usage?.completion_tokens).toBe(3);
    expect(usage?.prompt_tokens).toBe(1);
  });

  test('paces tokens by the configured rate after the first-token delay', async () => {
    const { engine, clock } = await loaded({ replies: ['a b c d e'], tokensPerSecond: 10, firstTokenDelayMs: 300 });
    const start = clock.now();
    const chunks = await collect(await engine.chatCompletion(request('q')));
    expect(text(chunks)).toBe('a b c d e');
    // First token at 300 ms, then one every 100 ms.
    expect(clock.now() - start).toBe(300 + 4 * 100);
    const usage = chunks.at(-1)?.usage;
    expect(usage?.extra.time_to_first_token_s).toBeCloseTo(0.3);
    expect(usage?.extra.decode_tokens_per_s).toBeCloseTo(10);
  });

  test('a slow consumer is not slowed further: overdue tokens come without waiting', async () => {
    const { engine, clock } = await loaded({ replies: ['a b c d'], tokensPerSecond: 10, firstTokenDelayMs: 0 });
    const stream = await engine.chatCompletion(request('q'));
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    clock.advance(1000);
    clock.sleeps.length = 0;
    await iterator.next();
    await iterator.next();
    expect(clock.sleeps).toEqual([]);
  });

  test('interruptGenerate ends the stream with finish_reason abort and keeps what was sent', async () => {
    const { engine } = await loaded({ replies: ['a b c d e f'] });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of await engine.chatCompletion(request('q'))) {
      chunks.push(chunk);
      if (chunks.length === 2) engine.interruptGenerate();
    }
    expect(text(chunks)).toBe('a b');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('abort');
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(2);
  });

  test('max_tokens cuts the answer with finish_reason length', async () => {
    const { engine } = await loaded({ replies: ['a b c d e f'] });
    const chunks = await collect(await engine.chatCompletion(request('q', { max_tokens: 3 })));
    expect(text(chunks)).toBe('a b c');
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('length');
  });

  test('an injected generation failure throws after the given number of tokens', async () => {
    const { engine } = await loaded({ replies: ['a b c d'], failure: { stage: 'generate', afterTokens: 2, message: 'GPU fell over' } });
    const received: string[] = [];
    await expect(async () => {
      for await (const chunk of await engine.chatCompletion(request('q'))) received.push(chunk.choices[0]?.delta.content ?? '');
    }).rejects.toThrow('GPU fell over');
    expect(received.join('')).toBe('a b');
  });

  test('load reports WebLLM-worded progress up to 1, and an injected load failure stops it', async () => {
    const reports: InitProgressReport[] = [];
    const engine = new ScriptedMLCEngine({ loadMs: 100 }, fakeClock());
    engine.setInitProgressCallback((report) => reports.push(report));
    await engine.reload('demo');
    expect(reports[0]?.text).toBe('Start to fetch params');
    expect(reports.some((report) => /^Fetching param cache\[\d+\/\d+\]: \d+MB fetched\. \d+% completed/.test(report.text))).toBe(true);
    expect(reports.some((report) => report.text.startsWith('Loading GPU shader modules['))).toBe(true);
    expect(reports.at(-1)?.progress).toBe(1);

    const failing = new ScriptedMLCEngine({ loadMs: 100, failure: { stage: 'load', atFraction: 0.5, message: 'network down' } }, fakeClock());
    await expect(failing.reload('demo')).rejects.toThrow('network down');
    await expect(failing.chatCompletion(request('q'))).rejects.toThrow(/not loaded/);
  });

  test('fail= shortcuts use the words real failures arrive with', () => {
    const failure = (raw: string) => scriptFromSearchParams(new URLSearchParams(`fail=${raw}`)).failure;
    expect(failure('network:0.5')).toEqual({ stage: 'load', atFraction: 0.5, message: 'TypeError: Failed to fetch' });
    expect(failure('quota:0.2')).toMatchObject({ stage: 'load', message: expect.stringContaining('QuotaExceededError') });
    expect(failure('device-lost:7')).toMatchObject({ stage: 'generate', afterTokens: 7, message: expect.stringContaining('Device was lost') });
    expect(failure('crash:3')).toMatchObject({ stage: 'crash', afterTokens: 3 });
  });
});

describe('simulated downloads and faults', () => {
  const MB = 1024 * 1024;
  const environment = (store = new MemoryShardStore()) => ({ ...fakeClock(), store, sizeOf: () => 320 * MB });

  test('a download cut by the network resumes from the shards already cached', async () => {
    const store = new MemoryShardStore();
    const engine = new ScriptedMLCEngine({ loadMs: 100, failure: { stage: 'load', atFraction: 0.5, message: 'TypeError: Failed to fetch' } }, environment(store));
    const first: InitProgressReport[] = [];
    engine.setInitProgressCallback((report) => first.push(report));
    await expect(engine.reload('big')).rejects.toThrow('Failed to fetch');
    const cachedAfterFailure = (await store.storedShards('big')).size;
    expect(cachedAfterFailure).toBe(5);

    const second: InitProgressReport[] = [];
    engine.setInitProgressCallback((report) => second.push(report));
    await engine.reload('big');
    const fetched = second.filter((report) => report.text.startsWith('Fetching param cache'));
    // Every shard is reported, but only the missing ones were fetched (and the total is the real size).
    expect(fetched).toHaveLength(10);
    expect(fetched.at(-1)?.text).toMatch(/^Fetching param cache\[10\/10\]: 320MB fetched\. 100% completed/);
    expect((await store.list()).get('big')).toBe(320 * MB);
  });

  test('a cached model loads without any download', async () => {
    const store = new MemoryShardStore();
    const engine = new ScriptedMLCEngine({ loadMs: 100 }, environment(store));
    await engine.reload('m');
    const reports: InitProgressReport[] = [];
    engine.setInitProgressCallback((report) => reports.push(report));
    await engine.reload('m');
    expect(reports.some((report) => report.text.startsWith('Fetching'))).toBe(false);
    expect(reports.some((report) => report.text.startsWith('Loading model from cache'))).toBe(true);
  });

  test('an injected failure fires once, so Retry succeeds', async () => {
    const { engine } = await loaded({ replies: ['a b c'], failure: { stage: 'generate', afterTokens: 1, message: 'Device was lost.' } });
    await expect(collect(await engine.chatCompletion(request('q')))).rejects.toThrow('Device was lost.');
    expect(text(await collect(await engine.chatCompletion(request('q'))))).toBe('a b c');
  });

  test('a simulated crash calls the crash hook and then answers nothing more', async () => {
    const crashes: string[] = [];
    const engine = new ScriptedMLCEngine(
      { loadMs: 0, replies: ['a b c d'], failure: { stage: 'crash', afterTokens: 2, message: 'OOM' } },
      { ...fakeClock(), crash: (message) => crashes.push(message) },
    );
    await engine.reload('m');
    const iterator = (await engine.chatCompletion(request('q')))[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    const third = await Promise.race([iterator.next(), new Promise((resolve) => setTimeout(() => resolve('silence'), 50))]);
    expect(third).toBe('silence');
    expect(crashes).toEqual(['OOM']);
  });
});
