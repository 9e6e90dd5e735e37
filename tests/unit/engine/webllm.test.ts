/**
 * WebLLM's real client (`WebWorkerMLCEngine`) and worker handler (`WebWorkerMLCEngineHandler`),
 * with the scripted engine behind the handler and an in-process stand-in for the Worker.
 */
import { describe, expect, test } from 'vitest';
import { EngineError, type ChatStreamEvent, type LoadProgress } from '../../../src/lib/engine/protocol';
import type { Script } from '../../../src/lib/engine/scripted';
import { createScriptedHost } from '../../../src/lib/engine/scripted-host';
import { started } from '../../../src/lib/engine/spawn';
import { WebLLMWorkerEngine } from '../../../src/lib/engine/webllm';
import { DEFAULT_SAMPLING } from '../../../src/lib/config';
import { InProcessWorker } from './in-process-worker';

const FAST: Partial<Script> = { loadMs: 20, tokensPerSecond: 2000, firstTokenDelayMs: 0 };

function engineWith(script: Partial<Script>) {
  const workers: InProcessWorker[] = [];
  const engine = new WebLLMWorkerEngine('scripted', () => {
    const worker = new InProcessWorker(createScriptedHost);
    worker.postMessage({ kind: 'hearth.configureScript', script: { ...FAST, ...script } });
    workers.push(worker);
    return worker.asWorker();
  });
  return { engine, workers };
}

const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }], sampling: DEFAULT_SAMPLING });

async function collect(stream: AsyncIterable<ChatStreamEvent>): Promise<{ text: string; events: ChatStreamEvent[] }> {
  const events: ChatStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return { text: events.map((event) => (event.type === 'delta' ? event.text : '')).join(''), events };
}

describe('WebLLMWorkerEngine over WebLLM’s worker protocol', () => {
  test('loads with progress and streams a reply ending in one done event with usage', async () => {
    const { engine } = engineWith({ replies: ['Hello from the worker.'] });
    const progress: LoadProgress[] = [];
    await engine.load('demo', (report) => progress.push(report));
    expect(engine.loadedModelId).toBe('demo');
    expect(progress.at(-1)?.fraction).toBe(1);

    const { text, events } = await collect(engine.chat(ask('hi')));
    expect(text).toBe('Hello from the worker.');
    const done = events.at(-1);
    expect(done?.type).toBe('done');
    expect(events.filter((event) => event.type === 'done')).toHaveLength(1);
    if (done?.type !== 'done') throw new Error('unreachable');
    expect(done.finishReason).toBe('stop');
    expect(done.usage.completionTokens).toBe(4);
    expect(done.usage.promptTokens).toBeGreaterThan(0);
    expect(done.timings.totalMs).toBeGreaterThanOrEqual(done.timings.timeToFirstTokenMs);
  });

  test('loading the loaded model again does nothing; another model replaces it', async () => {
    const { engine, workers } = engineWith({});
    let reports = 0;
    await engine.load('a', () => reports++);
    const afterFirst = reports;
    await engine.load('a', () => reports++);
    expect(reports).toBe(afterFirst);
    await engine.load('b', () => reports++);
    expect(engine.loadedModelId).toBe('b');
    expect(workers).toHaveLength(1);
  });

  test('aborting a stream ends it early with finishReason aborted and keeps the text', async () => {
    const { engine } = engineWith({ replies: ['one two three four five six seven eight nine ten'], tokensPerSecond: 50 });
    await engine.load('demo', () => {});
    const abort = new AbortController();
    const events: ChatStreamEvent[] = [];
    for await (const event of engine.chat(ask('q'), abort.signal)) {
      events.push(event);
      if (events.length === 3) abort.abort();
    }
    const done = events.at(-1);
    expect(done).toMatchObject({ type: 'done', finishReason: 'aborted' });
    const deltas = events.filter((event) => event.type === 'delta');
    expect(deltas.length).toBeGreaterThanOrEqual(3);
    expect(deltas.length).toBeLessThan(10);
  });

  test('a generation failure arrives as an EngineError with the worker’s message', async () => {
    const { engine } = engineWith({ replies: ['a b c d'], failure: { stage: 'generate', afterTokens: 2, message: 'kaboom' } });
    await engine.load('demo', () => {});
    const error = await collect(engine.chat(ask('q'))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'generation-failed', message: 'kaboom' });
  });

  test('a load failure is classified, and the next load starts from a fresh worker', async () => {
    const { engine, workers } = engineWith({ failure: { stage: 'load', atFraction: 0.3, message: 'TypeError: Failed to fetch' } });
    const error = await engine.load('demo', () => {}).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'network' });
    expect(engine.loadedModelId).toBeNull();
    expect(workers[0]?.terminated).toBe(true);
    await engine.load('demo', () => {}).catch(() => undefined);
    expect(workers).toHaveLength(2);
  });

  test('cancelling a load ends the worker and rejects with aborted', async () => {
    const { engine, workers } = engineWith({ loadMs: 5000 });
    const abort = new AbortController();
    const loading = engine.load('demo', () => abort.abort(), abort.signal);
    await expect(loading).rejects.toMatchObject({ code: 'aborted' });
    expect(workers[0]?.terminated).toBe(true);
    expect(engine.loadedModelId).toBeNull();
  });

  test('a worker crash mid-stream rejects with worker-crashed instead of hanging', async () => {
    const { engine, workers } = engineWith({ replies: ['a b c d e f g h'], tokensPerSecond: 20 });
    await engine.load('demo', () => {});
    const deltas: string[] = [];
    const error = await (async () => {
      for await (const event of engine.chat(ask('q'))) {
        if (event.type === 'delta') deltas.push(event.text);
        if (deltas.length === 2) workers[0]?.crash('out of memory');
      }
    })().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'worker-crashed' });
    expect(deltas).toEqual(['a', ' b']);
    expect(engine.loadedModelId).toBeNull();
  });

  test('a worker started early that fails before the engine exists still fails the load, and a new worker serves the retry', async () => {
    const early = new InProcessWorker(createScriptedHost);
    const first = started(early.asWorker());
    // The script fails while WebLLM's client is still loading: no engine is listening yet.
    early.crash('Failed to fetch the worker script');
    const spawn = () => {
      const worker = new InProcessWorker(createScriptedHost);
      worker.postMessage({ kind: 'hearth.configureScript', script: { ...FAST, replies: ['after the retry'] } });
      return worker.asWorker();
    };
    const engine = new WebLLMWorkerEngine('scripted', spawn, first);
    await expect(engine.load('demo', () => {})).rejects.toMatchObject({ code: 'worker-crashed' });
    await engine.load('demo', () => {});
    expect((await collect(engine.chat(ask('q')))).text).toBe('after the retry');
  });

  test('JSON mode reaches the engine as response_format and the reply is JSON built from the input', async () => {
    const { engine } = engineWith({ replies: ['plain text, not JSON'] });
    await engine.load('demo', () => {});
    const { text } = await collect(engine.chat({ ...ask('alpha beta'), responseFormat: { type: 'json_object', schema: '{"type":"object"}' } }));
    const document = JSON.parse(text) as { input: string; schemaProvided: boolean; items: { name: string }[] };
    expect(document.input).toBe('alpha beta');
    expect(document.schemaProvided).toBe(true);
    expect(document.items.map((item) => item.name)).toEqual(['alpha', 'beta']);
    expect((await collect(engine.chat(ask('again')))).text).toBe('plain text, not JSON');
  });

  test('chat without a loaded model is refused with not-loaded', async () => {
    const { engine } = engineWith({});
    await expect(collect(engine.chat(ask('q')))).rejects.toMatchObject({ code: 'not-loaded' });
  });
});
