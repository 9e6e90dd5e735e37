/**
 * The installable, offline app (config/pwa.ts, src/lib/pwa/): the service worker caches the
 * shell and the engine the page used, so after one online visit the app opens, shows its
 * history and answers with the demo engine offline; Chromium's own installability check
 * passes; the build runs from a sub-path of a plain static server; a new deploy is offered
 * with "update available — reload".
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { serveStatic, type StaticServer } from './static-server';
import { answers, appUrl, CHROMIUM_PATH, DEMO, lastAnswer, launchBrowser, openApp, send, sidebarTitles, waitForReady, waitForStatus } from './support';

const dist = join(import.meta.dirname, '..', '..', 'dist');

let browser: Browser;
const servers: StaticServer[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((server) => server.close()));
});

/** Same-origin scripts and wasm the page fetched that no cache holds yet (what offline would miss). */
function uncachedAssets(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const urls = performance
      .getEntriesByType('resource')
      .map((entry) => entry.name)
      .filter((url) => url.startsWith(location.origin) && /\/assets\/[^/]+\.(?:js|wasm)$/.test(new URL(url).pathname));
    const missing: string[] = [];
    for (const url of urls) if (!(await caches.match(url))) missing.push(url);
    return missing;
  });
}

/** The service worker controls the page and holds everything the page used. */
async function waitUntilOfflineReady(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  await expect.poll(() => uncachedAssets(page), { timeout: 30_000 }).toEqual([]);
}

describe('offline', () => {
  test('after one online visit the app reloads offline with its history, and the demo engine answers', async () => {
    const { page, context, errors } = await openApp(browser, DEMO({ tps: 200 }));
    await waitForReady(page);
    await send(page, 'Remember the lighthouse');
    await waitForStatus(page, 'complete');
    await waitUntilOfflineReady(page);

    await context.setOffline(true);
    await page.reload();
    await waitForReady(page);
    expect(await sidebarTitles(page)).toEqual(['Remember the lighthouse']);
    await expect.poll(() => answers(page).count()).toBe(1);
    await page.getByText('Remember the lighthouse', { exact: true }).last().waitFor();

    await send(page, 'Still here without a network?');
    await expect.poll(() => answers(page).count()).toBe(2);
    await waitForStatus(page, 'complete');
    expect((await lastAnswer(page).innerText()).length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('installable', () => {
  test('Chromium finds no installability errors, and the manifest has PNG and maskable icons', async () => {
    // Chromium never offers installation in an incognito-like context, which newContext() is.
    const profile = await mkdtemp(join(tmpdir(), 'hearth-install-'));
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox'] });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(appUrl(DEMO()));
      await waitForReady(page);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
      const cdp = await context.newCDPSession(page);
      await expect
        .poll(async () => (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors, { timeout: 20_000 })
        .toEqual([]);

      const { url, errors, data } = await cdp.send('Page.getAppManifest');
      expect(errors).toEqual([]);
      expect(url).toBe(appUrl('manifest.webmanifest'));
      const manifest = JSON.parse(data ?? '{}') as { name: string; display: string; start_url: string; icons: Array<{ src: string; sizes: string; type: string; purpose?: string }> };
      expect(manifest).toMatchObject({ name: 'Hearth', display: 'standalone', start_url: './' });
      const pngs = manifest.icons.filter((icon) => icon.type === 'image/png');
      expect(pngs.map((icon) => `${icon.sizes} ${icon.purpose}`).sort()).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
      for (const icon of pngs) {
        const response = await page.request.get(appUrl(icon.src));
        expect(response.status()).toBe(200);
        expect(response.headers()['content-type']).toContain('image/png');
      }
    } finally {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    }
  });
});

describe('static hosting', () => {
  test('from a sub-path of a plain static file server: runs, registers its service worker there, and works offline', async () => {
    const server = await serveStatic(dist, '/hearth/');
    servers.push(server);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${server.url}${DEMO({ tps: 200 })}`);
    await waitForReady(page);
    await send(page, 'Hello from a sub-path');
    await waitForStatus(page, 'complete');
    await waitUntilOfflineReady(page);
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.scope)).toBe(server.url);

    await context.setOffline(true);
    await page.reload();
    await waitForReady(page);
    expect(await sidebarTitles(page)).toEqual(['Hello from a sub-path']);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('a new deploy offers "update available — reload", and Reload moves the page to it', async () => {
    const server = await serveStatic(dist, '/app/');
    servers.push(server);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.url}${DEMO()}`);
    await waitForReady(page);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    const prompt = page.getByRole('status', { name: 'Update available' });
    expect(await prompt.count()).toBe(0);

    // The next deploy: any change to the service worker script makes the browser install it.
    server.override('sw.js', `${await readFile(join(dist, 'sw.js'), 'utf8')}\n// next deploy\n`);
    await page.reload();
    await prompt.waitFor({ timeout: 30_000 });
    expect(await prompt.innerText()).toContain('A new version of Hearth is available.');

    const reloaded = page.waitForEvent('load');
    await prompt.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    await waitForReady(page);
    expect(await prompt.count()).toBe(0);
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)).toBeNull();
    await context.close();
  });
});
