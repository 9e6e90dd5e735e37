import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO, appUrl, lastAnswer, launchBrowser, openApp, send, waitForReady, waitForStatus } from './support';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const SMALL = 'SmolLM2-360M-Instruct-q4f32_1-MLC';
const MEDIUM = 'Qwen2.5-1.5B-Instruct-q4f32_1-MLC';

async function openModels(page: Page): Promise<void> {
  await page.locator('header button.model').click();
  await page.getByRole('dialog', { name: 'Models' }).waitFor();
  await page.locator('li.row').first().waitFor();
}

/** A model's button in the picker; its name starts with what it does (Download, Load, Try anyway: load, Loaded). */
const modelButton = (page: Page, id: string) =>
  page.getByRole('button', { name: new RegExp(`^(?:Download|Load|Try anyway: load|Loaded) ${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) });
const headerModel = (page: Page) => page.locator('header button.model .name');
const loadDetail = (page: Page) => page.getByTestId('load-detail');

describe('choosing and downloading a model (demo engine)', () => {
  test('the picker lists the catalog fitted to the device, searches, and downloads with progress and ETA', async () => {
    const { page, errors } = await openApp(browser, DEMO({ load: 6000 }));
    await expect.poll(() => headerModel(page).textContent(), { timeout: 20_000 }).toBe('hearth-scripted-demo');
    await openModels(page);
    const dialog = page.getByRole('dialog', { name: 'Models' });
    expect(await dialog.textContent()).toContain('Simulated device');
    const rows = dialog.locator('li.row');
    const allRows = await rows.count();
    expect(allRows).toBeGreaterThan(20);
    await dialog.getByRole('searchbox', { name: 'Search models' }).fill('qwen 1.5b q4f32');
    await expect.poll(() => rows.count()).toBeLessThan(allRows);
    expect(await rows.first().getAttribute('data-model')).toMatch(/^Qwen.*1\.5B.*q4f32/);
    expect(await rows.first().textContent()).toMatch(/Fits.*≈\d+ MB download/);

    await modelButton(page, MEDIUM).click();
    // Sample the progress line while it downloads: bytes grow, and a rate and an ETA appear.
    const samples: string[] = [];
    for (let i = 0; i < 40 && samples.length < 6; i++) {
      const text = (await loadDetail(page).count()) > 0 ? await loadDetail(page).textContent() : null;
      if (text?.includes('MB of')) samples.push(text);
      await page.waitForTimeout(150);
    }
    expect(samples.length).toBeGreaterThanOrEqual(3);
    const percents = samples.map((text) => Number(/^(\d+)%/.exec(text)?.[1]));
    expect(new Set(percents).size).toBeGreaterThan(1);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    expect(samples.some((text) => /\d+ MB\/s/.test(text) && /left/.test(text))).toBe(true);
    expect(await page.getByRole('listitem').filter({ hasText: 'Downloading weights' }).getAttribute('aria-current')).toBe('step');

    await expect.poll(() => headerModel(page).textContent(), { timeout: 20_000 }).toBe(MEDIUM);
    await page.getByText(`${MEDIUM} is ready.`).waitFor();
    await waitForReady(page);
    expect(errors).toEqual([]);

    // Remembered, and loaded at once on the next visit because it is cached.
    await page.reload();
    await expect.poll(() => headerModel(page).textContent(), { timeout: 20_000 }).toBe(MEDIUM);
    await page.context().close();
  });

  test('Cancel stops a download and leaves the app usable', async () => {
    const { page } = await openApp(browser, DEMO({ load: 20000 }));
    await loadDetail(page).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'Load a model to start' }).waitFor();
    expect(await loadDetail(page).count()).toBe(0);
    expect(await page.locator('#composer-input').getAttribute('placeholder')).toBe('Load a model to start chatting');
    // It can start again, and the picker still works.
    await page.getByRole('button', { name: 'Load hearth-scripted-demo' }).click();
    await loadDetail(page).waitFor();
    await openModels(page);
    await page.context().close();
  });

  test('a network failure mid-download says so; Retry resumes from what was cached', async () => {
    const { page } = await openApp(browser, DEMO({ load: 3000, fail: 'network:0.5' }));
    const failure = page.getByRole('alert').filter({ hasText: 'The model did not load' });
    await failure.waitFor({ timeout: 20_000 });
    expect(await failure.textContent()).toContain('interrupted (network error)');
    expect(await page.locator('#composer-input').isDisabled()).toBe(true);

    await openModels(page);
    const demoRow = page.locator('li.row[data-model="hearth-scripted-demo"]');
    expect(await demoRow.textContent()).toMatch(/Partly downloaded · (64|48|80) MB/);
    await page.getByRole('button', { name: 'Close models' }).click();

    await failure.getByRole('button', { name: 'Retry' }).click();
    await waitForReady(page);
    await send(page, 'Still here?');
    await waitForStatus(page, 'complete');
    await page.context().close();
  });

  test('a full disk during download gives a clear message and a way to free space', async () => {
    const { page } = await openApp(browser, DEMO({ fail: 'quota:0.3' }));
    const failure = page.getByRole('alert').filter({ hasText: 'The model did not load' });
    await failure.waitFor({ timeout: 20_000 });
    expect(await failure.textContent()).toContain('Not enough storage');
    await failure.getByRole('button', { name: 'Manage downloads…' }).click();
    await page.getByRole('dialog', { name: 'Models' }).waitFor();
    await page.context().close();
  });

  test('a download that would not fit the quota asks first', async () => {
    const { page } = await openApp(browser, DEMO({ quota: 300 }));
    await expect.poll(() => headerModel(page).textContent(), { timeout: 20_000 }).toBe('hearth-scripted-demo');
    await openModels(page);
    await modelButton(page, 'Llama-3.2-1B-Instruct-q4f32_1-MLC').click();
    const warning = page.getByRole('dialog', { name: 'Not enough storage for this download' });
    await warning.waitFor();
    expect(await warning.textContent()).toMatch(/needs about \d+ MB of storage, but the browser allows this site only about \d+ MB more/);
    await warning.getByRole('button', { name: 'Cancel' }).click();
    // Nothing was unloaded or started.
    expect(await headerModel(page).textContent()).toBe('hearth-scripted-demo');
    await waitForReady(page);
    await page.context().close();
  });

  test('the cache manager lists downloaded models with sizes and deletes them', async () => {
    const { page } = await openApp(browser, DEMO());
    await waitForReady(page);
    await openModels(page);
    const dialog = page.getByRole('dialog', { name: 'Models' });
    await dialog.getByRole('checkbox', { name: 'Downloaded' }).check();
    await expect.poll(() => dialog.locator('li.row').count()).toBe(1);
    expect(await dialog.locator('li.row').textContent()).toContain('Downloaded · 128 MB');
    expect(await dialog.locator('section.storage').textContent()).toMatch(/used of .* this browser allows/);
    await dialog.getByRole('button', { name: 'Delete downloaded hearth-scripted-demo' }).click();
    await expect.poll(() => dialog.locator('li.row').count()).toBe(0);
    await page.getByText('Deleted the downloaded files of hearth-scripted-demo.').waitFor();
    await page.context().close();
  });
});

describe('recovery keeps the conversation', () => {
  for (const [fault, words] of [
    ['device-lost', 'The GPU was reset'],
    ['crash', 'engine worker stopped'],
  ] as const) {
    test(`${fault} mid-answer: the partial answer stays, the model reloads, Retry works`, async () => {
      const { page } = await openApp(browser, DEMO({ fail: `${fault}:6` }));
      await waitForReady(page);
      await send(page, 'Tell me something');
      await waitForStatus(page, 'interrupted');
      await page.getByText(words, { exact: false }).first().waitFor();
      expect(((await lastAnswer(page).locator('.text').textContent()) ?? '').length).toBeGreaterThan(5);
      await waitForReady(page);
      await page.getByText('is back. Your conversation is intact.', { exact: false }).waitFor({ timeout: 20_000 });
      await lastAnswer(page).getByRole('button', { name: 'Retry' }).click();
      await waitForStatus(page, 'complete');
      expect(await page.locator('article.message.user .text').textContent()).toBe('Tell me something');
      await page.context().close();
    });
  }
});

describe('one tab holds the model', () => {
  test('a second tab is told, can move the model to itself, and the first tab says where it went', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const first = await openApp(browser, DEMO(), context);
    await waitForReady(first.page);

    const second = await context.newPage();
    await second.goto(appUrl(DEMO()));
    const elsewhere = second.getByRole('heading', { name: 'Hearth is using the GPU in another tab' });
    await elsewhere.waitFor({ timeout: 20_000 });
    expect(await second.locator('#composer-input').getAttribute('placeholder')).toBe('The model is running in another tab');

    await second.getByRole('button', { name: 'Use it here' }).click();
    await waitForReady(second);
    await first.page.getByRole('heading', { name: 'The model moved to another tab' }).waitFor();
    expect(await first.page.locator('#composer-input').isDisabled()).toBe(true);

    await first.page.getByRole('button', { name: 'Use it here' }).click();
    await waitForReady(first.page);
    await second.getByRole('heading', { name: 'The model moved to another tab' }).waitFor();
    await context.close();
  });
});
