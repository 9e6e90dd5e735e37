import { describe, expect, test } from 'vitest';
import { AppUpdates, type UpdateSource } from '../../../src/lib/pwa/updates.svelte';

/** A service worker registration the test drives: it reports a waiting version when told to. */
function fakeSource() {
  let callbacks: Parameters<UpdateSource['start']>[0] | null = null;
  const activations: Array<boolean | undefined> = [];
  const source: UpdateSource = {
    start(given) {
      callbacks = given;
      return async (reloadPage) => void activations.push(reloadPage);
    },
  };
  return {
    source,
    activations,
    newVersionWaiting: () => callbacks?.onNeedRefresh(),
    offlineReady: () => callbacks?.onOfflineReady(),
  };
}

describe('AppUpdates', () => {
  test('shows nothing until a new version is waiting', () => {
    const sw = fakeSource();
    const updates = new AppUpdates(sw.source);
    expect(updates.showPrompt).toBe(false);
    sw.offlineReady();
    expect(updates.offlineReady).toBe(true);
    expect(updates.showPrompt).toBe(false);
  });

  test('a waiting version prompts; Reload activates it once', async () => {
    const sw = fakeSource();
    const updates = new AppUpdates(sw.source);
    sw.newVersionWaiting();
    expect(updates.showPrompt).toBe(true);
    await Promise.all([updates.apply(), updates.apply()]);
    expect(sw.activations).toEqual([true]);
    expect(updates.applying).toBe(true);
  });

  test('Later hides the prompt until the next new version', () => {
    const sw = fakeSource();
    const updates = new AppUpdates(sw.source);
    sw.newVersionWaiting();
    updates.dismiss();
    expect(updates.showPrompt).toBe(false);
    sw.newVersionWaiting();
    expect(updates.showPrompt).toBe(true);
  });

  test('Reload does nothing when no version is waiting', async () => {
    const sw = fakeSource();
    const updates = new AppUpdates(sw.source);
    await updates.apply();
    expect(sw.activations).toEqual([]);
  });
});
