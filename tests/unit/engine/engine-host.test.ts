import { describe, expect, test, vi } from 'vitest';
import { EngineHost, type EngineEvent, type EngineFactory } from '../../../src/lib/engine/engine.svelte';
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
    backend: null,
    contextWindow: null,
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

const adapter = {
  features: new Set(['shader-f16']),
  limits: { maxBufferSize: 2 ** 32, maxStorageBufferBindingSize: 2 ** 31 },
} as unknown as GPUAdapter;
const supported = async () => ({ ok: true as const, adapter });
const choice = { kind: 'webllm' as const, source: 'default' as const, script: {}, simulatedQuotaBytes: null };

describe('EngineHost', () => {
  test('without WebGPU it says why, and still loads GGUF models (on the CPU)', async () => {
    const kinds: string[] = [];
    const fake = fakeEngine();
    const host = new EngineHost(choice, {
      factory: async (kind, script) => {
        kinds.push(kind);
        return fake.factory(kind, script);
      },
      probe: async () => ({ ok: false, reason: 'no-adapter', message: 'No adapter.' }),
    });
    await host.init();
    expect(host.state).toEqual({ phase: 'idle' });
    expect(host.webgpuProblem).toBe('No adapter.');
    expect(host.device).toMatchObject({ webgpu: false });
    await host.load('gguf:local:tiny.gguf');
    expect(kinds).toEqual(['gguf']);
    expect(host.ready?.modelId).toBe('gguf:local:tiny.gguf');
  });

  test('MLC models go to WebLLM, GGUF models to llama.cpp; switching frees the other engine', async () => {
    const disposed: string[] = [];
    const host = new EngineHost(choice, {
      factory: async (kind) => {
        const engine = await fakeEngine().factory(kind, {});
        return { ...engine, kind, dispose: () => disposed.push(kind) };
      },
      probe: supported,
    });
    await host.init();
    await host.load('Llama-3.2-1B-Instruct-q4f16_1-MLC');
    expect(host.ready?.kind).toBe('webllm');
    await host.load('gguf:https://huggingface.co/x/y/resolve/main/m.gguf');
    expect(host.ready?.kind).toBe('gguf');
    expect(disposed).toEqual(['webllm']);
  });

  test('remote models go to the remote engine with the endpoint access, and need no GPU lock', async () => {
    // Another tab holds the GPU model: local models wait for the user's choice, remote ones load.
    let heldElsewhere = true;
    let heldHere = false;
    let releasedHere = 0;
    const locks = {
      request: (name: string, options: LockOptions, granted: (lock: Lock | null) => Promise<void> | undefined) => {
        if (options.ifAvailable && heldElsewhere) return Promise.resolve(granted(null));
        // Asked without ifAvailable (a take-over), the other tab lets go.
        heldElsewhere = false;
        heldHere = true;
        return Promise.resolve(granted({ name, mode: 'exclusive' })).then(() => {
          heldHere = false;
          releasedHere++;
        });
      },
    };
    vi.stubGlobal('navigator', { locks });
    try {
      const access = { connection: async () => ({ apiBase: 'http://localhost:11434/v1', apiKey: null, timeoutMs: 1000 }) };
      const received: unknown[] = [];
      const host = new EngineHost(choice, {
        factory: async (kind, script, remote) => {
          received.push([kind, remote]);
          const engine = await fakeEngine().factory(kind, script);
          return { ...engine, kind };
        },
        probe: supported,
        remote: access,
      });
      await host.init();
      await host.load('Llama-3.2-1B-Instruct-q4f16_1-MLC');
      expect(host.state.phase).toBe('elsewhere');
      await host.load('remote:llama3.2:1b');
      expect(host.state).toEqual({ phase: 'ready', modelId: 'remote:llama3.2:1b' });
      expect(host.ready?.kind).toBe('remote');
      expect(received).toEqual([['remote', access]]);

      // This tab takes the GPU for a local model, then switches to a remote one: the lock is let go.
      await host.load('Llama-3.2-1B-Instruct-q4f16_1-MLC', { takeOver: true });
      expect(host.ready?.kind).toBe('webllm');
      expect(heldHere).toBe(true);
      await host.load('remote:llama3.2:1b');
      await expect.poll(() => releasedHere).toBe(1);
      expect(host.ready?.kind).toBe('remote');
      host.dispose();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  test('the scripted engine needs no WebGPU', async () => {
    const host = new EngineHost({ ...choice, kind: 'scripted' }, {
      factory: fakeEngine().factory,
      probe: async () => ({ ok: false, reason: 'no-api', message: 'none' }),
    });
    await host.init();
    expect(host.state.phase).toBe('idle');
    expect(host.defaultModelId).not.toBeNull();
    expect(host.device).toMatchObject({ simulated: true });
  });

  test('goes idle → loading (with progress) → ready, and offers a ready engine', async () => {
    const fake = fakeEngine({ holdLoad: true });
    const host = new EngineHost(choice, { factory: fake.factory, probe: supported });
    await host.init();
    const loading = host.load('m');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(host.state).toMatchObject({ phase: 'loading', modelId: 'm', progress: { phase: 'downloading', phaseFraction: 0.5 } });
    fake.release();
    await loading;
    expect(host.state).toEqual({ phase: 'ready', modelId: 'm' });
    expect(host.ready?.modelId).toBe('m');
    expect(host.device).toEqual({
      webgpu: true,
      shaderF16: true,
      maxBufferSize: 2 ** 32,
      maxStorageBufferBindingSize: 2 ** 31,
      deviceMemoryGB: null,
      simulated: false,
    });
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

  test('after a worker crash during chat, the model reloads by itself and says so', async () => {
    const fake = fakeEngine({ chatError: new EngineError('worker-crashed', 'gone') });
    const events: EngineEvent[] = [];
    const host = new EngineHost(choice, { factory: fake.factory, probe: supported, onEvent: (event) => events.push(event) });
    await host.init();
    await host.load('m');
    const ready = host.ready;
    if (!ready) throw new Error('not ready');
    await expect(async () => {
      for await (const _ of ready.chat({ messages: [], sampling: DEFAULT_SAMPLING })) void _;
    }).rejects.toMatchObject({ code: 'worker-crashed' });
    expect(events.map((event) => event.type).slice(0, 2)).toEqual(['ready', 'recovering']);
    await vi.waitFor(() => expect(host.state).toEqual({ phase: 'ready', modelId: 'm' }));
    expect(fake.loads()).toBe(2);
    expect(events.at(-1)).toMatchObject({ type: 'ready', recovered: true });
  });
});
