import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';

/** Debian's Chromium by default; HEARTH_CHROMIUM points elsewhere. */
export const CHROMIUM_PATH = process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium';

const BASE_ARGS = [
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/**
 * `webgpu: true` gives pages a real, CPU-emulated WebGPU adapter (SwiftShader); without it
 * `navigator.gpu` exists but offers no adapter, which is the "no WebGPU" path.
 */
export function launchBrowser(options: { webgpu?: boolean } = {}): Promise<Browser> {
  const args = options.webgpu ? [...BASE_ARGS, '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'] : BASE_ARGS;
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args });
}

export interface AppPage {
  page: Page;
  context: BrowserContext;
  errors: string[];
}

export const appUrl = (query = ''): string => `${inject('baseURL')}${query}`;

/** Opens the app in a fresh context (empty storage), collecting page errors and CSP violations. */
export async function openApp(browser: Browser, query = '', context?: BrowserContext): Promise<AppPage> {
  const ctx = context ?? (await browser.newContext({ viewport: { width: 1280, height: 800 } }));
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) errors.push(`csp: ${message.text()}`);
  });
  await page.goto(appUrl(query));
  return { page, context: ctx, errors };
}

/**
 * The demo engine at a pace that makes streaming observable but keeps tests quick.
 * `overrides` replace the defaults (e.g. `{ tps: 15 }`) or add parameters (`{ fail: 'crash:6' }`).
 */
export function DEMO(overrides: Record<string, string | number> = {}): string {
  const params = new URLSearchParams({ engine: 'scripted', load: '200', ttft: '100', tps: '60' });
  for (const [name, value] of Object.entries(overrides)) params.set(name, String(value));
  return `?${params}`;
}

export async function waitForReady(page: Page): Promise<void> {
  await page.locator('#composer-input:not([disabled])').waitFor({ timeout: 20_000 });
}

export async function send(page: Page, text: string): Promise<void> {
  await page.locator('#composer-input').fill(text);
  await page.locator('#composer-input').press('Enter');
}

export const answers = (page: Page) => page.locator('article.message.assistant');
export const lastAnswer = (page: Page) => answers(page).last();

export async function waitForStatus(page: Page, status: string): Promise<void> {
  await expect.poll(() => lastAnswer(page).getAttribute('data-status'), { timeout: 20_000 }).toBe(status);
}

export const sidebarTitles = (page: Page) => page.locator('aside nav li .title').allTextContents();

/**
 * Stores sampling settings as the app itself would (database hearth-settings, store settings),
 * then reloads so the app reads them. There is no settings panel yet to set them through.
 */
export async function storeSampling(page: Page, sampling: Record<string, number>): Promise<void> {
  await page.evaluate(async (value) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('hearth-settings');
      request.onupgradeneeded = () => request.result.createObjectStore('settings');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('settings', 'readwrite');
      tx.objectStore('settings').put({ schema: 1, value }, 'sampling');
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, sampling);
  await page.reload();
}

/** Opens model files through the picker's file input, as a user choosing them would. */
export async function openModelFiles(page: Page, files: Array<{ name: string; buffer: Buffer }>): Promise<void> {
  await page.locator('header button.model').click();
  await page.getByRole('dialog', { name: 'Models' }).waitFor();
  await page.getByLabel('GGUF model file').setInputFiles(files.map((file) => ({ ...file, mimeType: 'application/octet-stream' })));
}

export const limitsMeter = (page: Page) => page.getByRole('button', { name: /^Limits:/ });
export const limitsDialog = (page: Page) => page.getByRole('dialog', { name: 'Limits' });

/**
 * Today's tokens as the header meter states them, e.g. "Limits: 110 / 360 tokens used today";
 * null while an answer still holds a reservation, whose real usage is not known yet.
 */
export async function usedToday(page: Page): Promise<number | null> {
  const label = (await limitsMeter(page).getAttribute('aria-label')) ?? '';
  // A parenthesis follows only while tokens are held for an answer being written.
  const match = /^Limits: ([\d.]+)(k?) [^(]*$/.exec(label);
  return match ? Number(match[1]) * (match[2] === 'k' ? 1000 : 1) : null;
}

/** Today's tokens once every answer has settled. */
export async function settledUsage(page: Page): Promise<number> {
  await expect.poll(() => usedToday(page)).not.toBeNull();
  return (await usedToday(page)) as number;
}

/**
 * Changes limits through the Limits dialog, by field label (e.g. `{ 'Per minute': '' }` turns the
 * rate limit off: tests that send many messages in a row exceed the default of 5 in a row).
 */
export async function setLimits(page: Page, fields: Record<string, string>): Promise<void> {
  await limitsMeter(page).click();
  const dialog = limitsDialog(page);
  for (const [label, value] of Object.entries(fields)) await dialog.getByLabel(label, { exact: true }).fill(value);
  await dialog.getByRole('button', { name: 'Save limits' }).click();
  await page.getByText('Limits saved.').waitFor();
}
