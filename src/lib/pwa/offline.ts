/**
 * Keeps the engines the page used available offline, from the very first visit.
 *
 * The service worker caches big lazy files (engine chunks, workers, wasm) the first time they
 * pass through it (config/pwa.ts). On a first visit they do not: the page loads its engine at
 * once, before the freshly installed service worker controls it. So until the page is
 * controlled, this watches which of those files the page fetched (Resource Timing lists the
 * page's scripts and its workers' main scripts), and once it is controlled fetches each one
 * again through the service worker, which stores it. The HTTP cache usually answers those
 * second requests, so nothing is downloaded twice.
 */

/** Same-origin hashed files the precache leaves out (config/pwa.ts caches them at runtime). */
export function isLazyAsset(url: string, origin: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.origin === origin && /\/assets\/[^/]+\.(?:js|mjs|wasm)$/.test(parsed.pathname);
}

export interface WarmDeps {
  origin: string;
  /** Whether a service worker controls the page now. */
  controlled(): boolean;
  /** Calls back with every resource URL the page fetched so far, then with each new one. */
  observeResources(onUrl: (url: string) => void): () => void;
  /** Calls back once when a service worker starts controlling the page. */
  onControlled(callback: () => void): void;
  /** Whether any cache (precache or runtime) already holds the URL. */
  cached(url: string): Promise<boolean>;
  /** Fetches the URL through the service worker. */
  fetchThrough(url: string): Promise<void>;
}

/**
 * Starts watching; returns a promise that settles when every lazy file seen so far is cached
 * (used by tests and never awaited by the app). A page controlled from the start needs none of
 * this: everything it fetches passes through the service worker.
 */
export function warmEngineCache(deps: WarmDeps): { settled(): Promise<void>; stop(): void } {
  if (deps.controlled()) return { settled: () => Promise.resolve(), stop: () => {} };
  const seen = new Set<string>();
  const waiting: string[] = [];
  let work: Promise<void> = Promise.resolve();
  let controlled = false;

  const warm = (url: string): void => {
    work = work.then(async () => {
      try {
        if (!(await deps.cached(url))) await deps.fetchThrough(url);
      } catch {
        // Offline already, or storage full: the file is simply not kept; the app still works online.
      }
    });
  };

  const stop = deps.observeResources((url) => {
    if (!isLazyAsset(url, deps.origin) || seen.has(url)) return;
    seen.add(url);
    if (controlled) warm(url);
    else waiting.push(url);
  });
  deps.onControlled(() => {
    controlled = true;
    for (const url of waiting.splice(0)) warm(url);
  });
  return { settled: () => work, stop };
}

/** The browser's side of WarmDeps. */
export function browserWarmDeps(container: ServiceWorkerContainer): WarmDeps {
  return {
    origin: location.origin,
    controlled: () => container.controller !== null,
    observeResources(onUrl) {
      const observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) onUrl(entry.name);
      });
      observer.observe({ type: 'resource', buffered: true });
      return () => observer.disconnect();
    },
    onControlled(callback) {
      container.addEventListener('controllerchange', () => callback(), { once: true });
    },
    cached: async (url) => (await caches.match(url)) !== undefined,
    async fetchThrough(url) {
      // 'force-cache': take the copy the HTTP cache already holds rather than downloading again.
      const response = await fetch(url, { cache: 'force-cache' });
      // The body must be read for the service worker's copy to complete from this side's view.
      await response.arrayBuffer();
    },
  };
}
