import { describe, expect, test } from 'vitest';
import { isLazyAsset, warmEngineCache, type WarmDeps } from '../../../src/lib/pwa/offline';

const ORIGIN = 'https://example.test';
const at = (path: string): string => `${ORIGIN}${path}`;

/** A page whose resource list, service worker control and caches the test drives by hand. */
function fakePage(options: { controlled?: boolean; cached?: string[] } = {}) {
  let controlled = options.controlled ?? false;
  let onUrl: (url: string) => void = () => {};
  let onControlled: () => void = () => {};
  const cached = new Set(options.cached ?? []);
  const fetched: string[] = [];
  const deps: WarmDeps = {
    origin: ORIGIN,
    controlled: () => controlled,
    observeResources(callback) {
      onUrl = callback;
      return () => (onUrl = () => {});
    },
    onControlled: (callback) => (onControlled = callback),
    cached: async (url) => cached.has(url),
    async fetchThrough(url) {
      fetched.push(url);
      cached.add(url);
    },
  };
  return {
    deps,
    fetched,
    load: (path: string) => onUrl(at(path)),
    control() {
      controlled = true;
      onControlled();
    },
  };
}

describe('isLazyAsset', () => {
  test('same-origin hashed scripts and wasm under assets/, at any sub-path', () => {
    expect(isLazyAsset(at('/assets/lib-fcTaGmFm.js'), ORIGIN)).toBe(true);
    expect(isLazyAsset(at('/hearth/assets/wllama-CO25czjY.wasm'), ORIGIN)).toBe(true);
  });

  test('not pages, styles, other origins or model files', () => {
    expect(isLazyAsset(at('/index.html'), ORIGIN)).toBe(false);
    expect(isLazyAsset(at('/assets/index-BeWVM80J.css'), ORIGIN)).toBe(false);
    expect(isLazyAsset('https://huggingface.co/assets/x.js', ORIGIN)).toBe(false);
    expect(isLazyAsset(at('/fixtures/tiny.gguf'), ORIGIN)).toBe(false);
    expect(isLazyAsset('not a url', ORIGIN)).toBe(false);
  });
});

describe('warmEngineCache', () => {
  test('files fetched before the service worker took control are fetched again through it, once each', async () => {
    const page = fakePage({ cached: [at('/assets/index-abc.js')] });
    const warming = warmEngineCache(page.deps);
    page.load('/assets/index-abc.js');
    page.load('/assets/lib-123.js');
    page.load('/assets/lib-123.js');
    page.load('/assets/scripted-worker-456.js');
    page.load('/favicon.svg');
    expect(page.fetched).toEqual([]);

    page.control();
    await warming.settled();
    // The precached entry chunk is already there; the page's icon is not a lazy asset.
    expect(page.fetched).toEqual([at('/assets/lib-123.js'), at('/assets/scripted-worker-456.js')]);
  });

  test('a file that finishes loading after control is warmed at once', async () => {
    const page = fakePage();
    const warming = warmEngineCache(page.deps);
    page.control();
    page.load('/assets/wllama-789.wasm');
    await warming.settled();
    expect(page.fetched).toEqual([at('/assets/wllama-789.wasm')]);
  });

  test('a page controlled from the start does nothing: its fetches already pass through the service worker', async () => {
    const page = fakePage({ controlled: true });
    const warming = warmEngineCache(page.deps);
    page.load('/assets/lib-123.js');
    await warming.settled();
    expect(page.fetched).toEqual([]);
  });

  test('a failed fetch (offline, storage full) does not stop the others', async () => {
    const page = fakePage();
    const failing: WarmDeps = {
      ...page.deps,
      fetchThrough: async (url) => {
        if (url.includes('lib-')) throw new TypeError('Failed to fetch');
        await page.deps.fetchThrough(url);
      },
    };
    const warming = warmEngineCache(failing);
    page.load('/assets/lib-123.js');
    page.load('/assets/worker-456.js');
    page.control();
    await warming.settled();
    expect(page.fetched).toEqual([at('/assets/worker-456.js')]);
  });
});
