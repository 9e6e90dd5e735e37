/**
 * The installable, offline app: the web app manifest and the service worker (Workbox, generated
 * by vite-plugin-pwa at build time).
 *
 * What is cached, and when:
 * - The app shell is precached when the service worker installs: index.html, the entry chunk,
 *   CSS, the small lazy chunks (highlighting languages, the model catalog, engine glue), icons
 *   and the manifest. Anything over PRECACHE_LIMIT is left out on purpose.
 * - The big lazy files — WebLLM's client and worker (about 6 MB each), the demo engine's worker
 *   (6 MB, it hosts WebLLM's handler), llama.cpp's 10 MB wasm — are cached the first time they
 *   are used (cache first: their names carry a content hash, so a cached copy is never stale).
 *   Offline then works for whichever engine was used online, without every visitor downloading
 *   30 MB of engines they never use. On the very first visit those files load before the service
 *   worker controls the page; lib/pwa/offline.ts fetches them again through it then.
 * - Models are not the service worker's business: WebLLM and wllama keep weights in their own
 *   caches (Cache API, OPFS).
 *
 * Updates wait for the user (registerType 'prompt'): a new deploy installs in the background and
 * the page shows "update available — reload" (lib/pwa/updates.svelte.ts). The service worker is
 * registered by the app's own module, not an inline script, which the CSP would refuse.
 */
import type { VitePWAOptions } from 'vite-plugin-pwa';

/** Files above this size are cached on first use instead of at install. */
export const PRECACHE_LIMIT = 512 * 1024;

/** The runtime cache for the big lazy files; lib/pwa/offline.ts warms it. */
export const ENGINE_CACHE = 'hearth-engines';

export const pwaOptions: Partial<VitePWAOptions> = {
  registerType: 'prompt',
  // The same minified, quiet service worker in every build, including the test suite's (which runs with NODE_ENV=test).
  mode: 'production',
  // Registration happens in src/lib/pwa/register.ts (an inline script would break the CSP).
  injectRegister: false,
  includeAssets: ['favicon.svg', 'apple-touch-icon.png'],
  manifest: {
    id: './',
    name: 'Hearth',
    short_name: 'Hearth',
    description: 'A private AI chat studio that runs entirely in your browser.',
    // Relative to the manifest, so the app installs from any sub-path.
    start_url: './',
    scope: './',
    display: 'standalone',
    background_color: '#fbfaf8',
    theme_color: '#d9622b',
    lang: 'en',
    categories: ['productivity', 'utilities'],
    icons: [
      { src: 'icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: 'maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      { src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
    ],
  },
  workbox: {
    globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
    // Test fixtures written next to the app are not part of it.
    globIgnores: ['fixtures/**'],
    // Big files are left out by the transform below, on purpose and silently (Workbox's own
    // size limit does the same but fails the build with a warning about each file).
    maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
    manifestTransforms: [async (entries) => ({ manifest: entries.filter((entry) => entry.size <= PRECACHE_LIMIT), warnings: [] })],
    // Without this the first visit would stay uncontrolled until a reload, and could not warm the engine cache.
    clientsClaim: true,
    skipWaiting: false,
    cleanupOutdatedCaches: true,
    // Any navigation in scope (e.g. ?engine=scripted) gets the app shell, except to files such as model fixtures.
    navigateFallback: 'index.html',
    navigateFallbackDenylist: [/\/[^/?]+\.(?!html$)[^/.?]+$/],
    runtimeCaching: [
      {
        // Same-origin hashed assets the precache left out: engine chunks, workers, wasm.
        urlPattern: ({ url, sameOrigin }) => sameOrigin && /\/assets\/[^/]+\.(?:js|mjs|wasm)$/.test(url.pathname),
        handler: 'CacheFirst',
        options: {
          cacheName: ENGINE_CACHE,
          // Old builds' files pile up after deploys; keep the newest few.
          expiration: { maxEntries: 24, purgeOnQuotaError: true },
          cacheableResponse: { statuses: [200] },
          // Hosts send Vary (Origin, Accept-Encoding); module scripts and workers ask with other
          // headers than the fetch that stored them. The names are content hashes, so any copy is right.
          matchOptions: { ignoreVary: true },
        },
      },
    ],
  },
};
