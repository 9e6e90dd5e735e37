/**
 * Registers the service worker (from this module, not an inline script: the CSP allows scripts
 * from the app's own files only) and starts keeping used engines offline. Loaded after the
 * first paint, so neither Workbox nor the registration delays start-up.
 */
import { registerSW } from 'virtual:pwa-register';
import { browserWarmDeps, warmEngineCache } from './offline';
import type { UpdateSource } from './updates.svelte';

/** How often an open tab asks the host for a new version (the browser also checks at each navigation). */
const UPDATE_CHECK_MS = 60 * 60 * 1000;

export const serviceWorkerUpdates: UpdateSource = {
  start(callbacks) {
    if (!('serviceWorker' in navigator)) return async () => {};
    warmEngineCache(browserWarmDeps(navigator.serviceWorker));
    return registerSW({
      onNeedRefresh: callbacks.onNeedRefresh,
      onOfflineReady: callbacks.onOfflineReady,
      onRegisteredSW(_url, registration) {
        if (registration) setInterval(() => void registration.update().catch(() => {}), UPDATE_CHECK_MS);
      },
    });
  },
};
