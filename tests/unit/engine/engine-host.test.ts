import { describe, expect, test } from 'vitest';
import { EngineHost, type EngineFactory } from '../../../src/lib/engine/engine.svelte';
import { EngineError, type ChatEngine, type ChatStreamEvent, type LoadProgress } from '../../../src/lib/engine/protocol';
import { DEFAULT_SAMPLING } from '../../../src/lib/config';

interface FakeOptions {
  loadError?: EngineError;
  chatError?: EngineError;
  /** Resolves the load when called; the load waits until then. */
  holdLoad?: boolean;
}

function fakeEngine(options: FakeOptions = {}) {
  let releaseLoad: () => void = () => {};
  let loads = 0;
  const engine: ChatEngine = {
    kind: 'webllm',
    loadedModelId: null,
    async load(_modelId: string, onProgress: (progress: LoadProgress) => void, signal?: AbortSignal) {
      loads++;
      onProgress({ fraction: 0.5, text: 'Fetching param cache[1/2]: 1MB fetched. 50% completed, 0 secs elapsed.', elapsedMs: 0 });
      if (options.holdLoad) {
        await new Promise<void>((resolve, reject) => {
          releaseLoad = resolve;
          signal?.addEventListener('abort', () => reject(new EngineError('aborted', 'cancelled')));
        });
      }
      if (options.loadError) throw options.loadError;
    },
    async *chat(): AsyncGenerator<ChatStreamEvent> {
      yield { type: 'delta', text: 'hi' };
      if (options.chatError) throw options.chatError;
    },
    async unload() {},
    dispose() {},
  };
  const factory: EngineFactory = async () => engine;
  return { factory, release: () => releaseLoad(), loads: () => loads };
}

const supported = async () => ({ ok: true as const, adapter: {} as GPUAdapter });
const choice = { kind: 'webllm' as const, source: 'default' as const, script: {} };

describe('EngineHost', () => {
  test('reports an unsupported browser with the probe’s message and refuses to load', async () => {
    const fake = fakeEngine();
    const host = new EngineHost(choice, {
      factory: fake.factory,
      probe: async () => ({ ok: false, reason: 'no-adapter', message: 'No adapter.' }),
    });
    await host.init();
    expect(host.state).toEqual({ phase: 'unsupported', message: 'No adapter.' });
    await host.load('m');
    expect(fake.loads()).toBe(0);
    expect(host.ready).toBeNull();
  });

  test('the scripted engine needs no WebGPU', async () => {
    const host = new EngineHost({ ...choice, kind: 'scripted' }, {
      factory: fakeEngine().factory,
      probe: async () => ({ ok: false, reason: 'no-api', message: 'none' }),
    });
    await host.init();
    expect(host.state.phase).toBe('idle');
    expect(host.defaultModelId).not.toBeNull();
  });

  test('goes idle → loading (with progress) → ready, and offers a ready engine', async () => {
    const fake = fakeEngine({ holdLoad: true });
    const host = new EngineHost(choice, { factory: fake.factory, probe: supported });
    await host.init();
    const loading = host.load('m');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(host.state).toMatchObject({ phase: 'loading', modelId: 'm', progress: { fraction: 0.5 } });
    fake.release();
    await loading;
    expect(host.state).toEqual({ phase: 'ready', modelId: 'm' });
    expect(host.ready?.modelId).toBe('m');
  });

  test('cancel returns to idle; a failed load says why', async () => {
    const held = fakeEngine({ holdLoad: true });
    const host = new EngineHost(choice, { factory: held.factory, probe: supported });
    await host.init();
    const loading = host.load('m');
    await new Promise((resolve) => setTimeout(resolve, 0));
    host.cancelLoad();
    await loading;
    expect(host.state).toEqual({ phase: 'idle' });

    const failing = new EngineHost(choice, {
      factory: fakeEngine({ loadError: new EngineError('network', 'Failed to fetch') }).factory,
      probe: supported,
    });
    await failing.init();
    await failing.load('m');
    expect(failing.state).toMatchObject({ phase: 'failed', modelId: 'm', error: { code: 'network' } });
  });

  test('a crashed worker during chat marks the model as failed, so the user can reload it', async () => {
    const host = new EngineHost(choice, {
      factory: fakeEngine({ chatError: new EngineError('worker-crashed', 'gone') }).factory,
      probe: supported,
    });
    await host.init();
    await host.load('m');
    const ready = host.ready;
    if (!ready) throw new Error('not ready');
    await expect(async () => {
      for await (const _ of ready.chat({ messages: [], sampling: DEFAULT_SAMPLING })) void _;
    }).rejects.toMatchObject({ code: 'worker-crashed' });
    expect(host.state).toMatchObject({ phase: 'failed', error: { code: 'worker-crashed' } });
    expect(host.ready).toBeNull();
  });
});
