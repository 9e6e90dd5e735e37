/**
 * A real model in the browser: llama.cpp (wllama) running a generated tiny GGUF on the CPU.
 * No scripted engine anywhere in this file.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { makeTinyGguf, malformedGgufFiles } from '../fixtures/tiny-gguf';
import { answers, lastAnswer, launchBrowser, openApp, openModelFiles, send, storeSampling, waitForReady, waitForStatus } from './support';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const TINY = { name: 'tiny.gguf', buffer: Buffer.from(makeTinyGguf()) };
const headerModel = (page: Page) => page.locator('header button.model .name');
const answerText = async (page: Page, index = -1): Promise<string> =>
  (await answers(page).nth(index === -1 ? (await answers(page).count()) - 1 : index).locator('.text').textContent()) ?? '';

/** The same model with a longer context, for answers long enough to stop mid-way. */
const TINY_LONG = { name: 'tiny-long.gguf', buffer: Buffer.from(makeTinyGguf({ contextLength: 4096 })) };

async function appWithTinyModel(sampling: Record<string, number>, model = TINY): Promise<Page> {
  const { page, errors } = await openApp(browser);
  await page.getByRole('button', { name: 'Open a GGUF file…' }).waitFor();
  await storeSampling(page, sampling);
  await openModelFiles(page, [model]);
  await expect.poll(() => headerModel(page).textContent(), { timeout: 30_000 }).toBe(model.name);
  await waitForReady(page);
  expect(errors).toEqual([]);
  return page;
}

describe('a real llama.cpp model (tiny GGUF, CPU)', () => {
  test('opens from disk, says which engine and backend run it, and streams an answer', async () => {
    const page = await appWithTinyModel({ max_tokens: 40, seed: 1 });
    expect(await page.getByTestId('engine-backend').textContent()).toBe('llama.cpp · CPU · 1 thread');
    expect(await page.getByTestId('engine-backend').getAttribute('title')).toMatch(/no WebGPU adapter/);

    await page.evaluate(() => {
      const lengths: number[] = [];
      (window as unknown as { paintedLengths: number[] }).paintedLengths = lengths;
      const sample = (): void => {
        const answer = [...document.querySelectorAll('article.message.assistant')].at(-1);
        lengths.push(answer?.querySelector('.text')?.textContent?.length ?? 0);
        if (!answer || answer.getAttribute('data-status') === 'streaming') requestAnimationFrame(sample);
      };
      requestAnimationFrame(sample);
    });
    await send(page, 'Tell me a story about the fire');
    await waitForStatus(page, 'complete');
    const lengths = await page.evaluate(() => (window as unknown as { paintedLengths: number[] }).paintedLengths);
    expect(new Set(lengths.filter((length) => length > 0)).size).toBeGreaterThan(3);
    // Random weights, real tokenizer: words from the model's vocabulary.
    expect((await answerText(page)).split(/\s+/).filter(Boolean).length).toBeGreaterThan(10);
    expect(await lastAnswer(page).locator('.meta').textContent()).toMatch(/40 tokens · [\d.]+ tok\/s\s*tiny\.gguf/);
    await page.context().close();
  });

  test('Stop keeps what arrived', async () => {
    const page = await appWithTinyModel({ max_tokens: 4000, seed: 1 }, TINY_LONG);
    await send(page, 'Tell me a long story');
    await expect.poll(async () => (await answerText(page)).length, { timeout: 20_000 }).toBeGreaterThan(20);
    await page.getByRole('button', { name: 'Stop generating' }).click();
    await waitForStatus(page, 'stopped');
    const partial = await answerText(page);
    await page.waitForTimeout(500);
    expect(await answerText(page)).toBe(partial);
    expect(await lastAnswer(page).locator('.meta').textContent()).toContain('Stopped');
    const tokens = Number(/(\d+) tokens/.exec((await lastAnswer(page).locator('.meta').textContent()) ?? '')?.[1]);
    expect(tokens).toBeLessThan(4000);
    await page.context().close();
  });

  test('the same seed gives the same answer; another seed, another answer', async () => {
    const page = await appWithTinyModel({ max_tokens: 24, seed: 1234, temperature: 0.9 });
    await send(page, 'Describe the hearth');
    await waitForStatus(page, 'complete');
    const first = await answerText(page);
    // The old answer stays on screen until the new one is admitted: wait for a finished answer with the expected text.
    const settled = async (): Promise<string | null> => ((await lastAnswer(page).getAttribute('data-status')) === 'complete' ? answerText(page) : null);
    await page.getByRole('button', { name: 'Regenerate answer' }).click();
    await expect.poll(settled, { timeout: 20_000 }).toBe(first);

    await storeSampling(page, { max_tokens: 24, seed: 99, temperature: 0.9 });
    await waitForReady(page);
    await page.getByRole('button', { name: 'Regenerate answer' }).click();
    await expect.poll(async () => { const text = await settled(); return text !== null && text !== first; }, { timeout: 20_000 }).toBe(true);
    await page.context().close();
  });

  test('a message longer than the context window gets a clear message, and the chat goes on', async () => {
    const page = await appWithTinyModel({ max_tokens: 16, seed: 1 });
    // Far too long even by the estimate: refused before anything is sent.
    await send(page, 'word '.repeat(400));
    await waitForStatus(page, 'error');
    expect(await lastAnswer(page).getByRole('alert').textContent()).toMatch(/needs about \d+ tokens .* context window leaves about \d+/);
    // Looks short, but words outside the tiny vocabulary fall back to bytes: llama.cpp itself finds it too long.
    await page.getByRole('button', { name: 'New chat' }).click();
    await send(page, 'supercalifragilistic '.repeat(12));
    await waitForStatus(page, 'error');
    expect(await lastAnswer(page).getByRole('alert').textContent()).toMatch(/context window \(256 tokens\)/);
    await page.getByRole('button', { name: 'New chat' }).click();
    await send(page, 'Short question');
    await waitForStatus(page, 'complete');
    await page.context().close();
  });

  test('malformed files get clear messages, and the engine still works afterwards', async () => {
    const page = await appWithTinyModel({ max_tokens: 12, seed: 1 });
    const files = malformedGgufFiles();
    const expectations: Array<[string, RegExp]> = [
      ['truncated.gguf', /truncated/],
      ['not-a-model.gguf', /not a GGUF model file/],
      ['duplicate-vocab.gguf', /vocabulary lists the token .* twice/],
      ['unknown-arch.gguf', /architecture \(hearthformer\) may not be supported/],
    ];
    for (const [name, message] of expectations) {
      await openModelFiles(page, [{ name, buffer: Buffer.from(files[name]!) }]);
      await expect.poll(async () => (await page.getByRole('alert').allTextContents()).join(' '), { timeout: 30_000 }).toMatch(message);
    }
    // The unknown architecture reached llama.cpp and failed there; a good model still loads and answers.
    await openModelFiles(page, [TINY]);
    await waitForReady(page);
    await send(page, 'Still working?');
    await waitForStatus(page, 'complete');
    await page.context().close();
  });

  test('downloads from a URL with progress, remembers the model, and lists it in the cache manager', async () => {
    const { page } = await openApp(browser);
    await page.getByRole('button', { name: 'Open a GGUF file…' }).waitFor();
    await storeSampling(page, { max_tokens: 12, seed: 1 });
    await page.locator('header button.model').click();
    const dialog = page.getByRole('dialog', { name: 'Models' });
    await dialog.getByRole('textbox', { name: 'Model URL or Hugging Face repository' }).fill('/fixtures/tiny.gguf');
    await dialog.getByRole('button', { name: 'Download' }).first().click();
    await expect.poll(() => headerModel(page).textContent(), { timeout: 30_000 }).toBe('tiny.gguf');
    await waitForReady(page);

    // Cached in the browser: the next visit loads it without asking.
    await page.reload();
    await expect.poll(() => headerModel(page).textContent(), { timeout: 30_000 }).toBe('tiny.gguf');
    await waitForReady(page);

    await page.locator('header button.model').click();
    await dialog.getByRole('checkbox', { name: 'Downloaded' }).check();
    const row = dialog.locator('li.row', { hasText: 'tiny.gguf' });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/Downloaded · 5\d\d KB/);
    await dialog.getByRole('button', { name: 'Delete downloaded tiny.gguf' }).click();
    await expect.poll(() => row.count()).toBe(0);
    await page.context().close();
  });

  test('a .gguf dropped on the page opens', async () => {
    const { page } = await openApp(browser);
    await page.getByRole('button', { name: 'Open a GGUF file…' }).waitFor();
    await page.evaluate(async () => {
      const blob = await (await fetch('./fixtures/tiny.gguf')).blob();
      const transfer = new DataTransfer();
      transfer.items.add(new File([blob], 'dropped.gguf'));
      const target = document.querySelector('.app') as HTMLElement;
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    });
    await expect.poll(() => headerModel(page).textContent(), { timeout: 30_000 }).toBe('dropped.gguf');
    await page.context().close();
  });

  test('on a cross-origin isolated page, llama.cpp runs with threads', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(inject('isolatedBaseURL'));
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.getByRole('button', { name: 'Open a GGUF file…' }).waitFor();
    await storeSampling(page, { max_tokens: 16, seed: 1 });
    await openModelFiles(page, [TINY]);
    await waitForReady(page);
    expect(await page.getByTestId('engine-backend').textContent()).toMatch(/llama\.cpp · CPU · [2-9] threads/);
    await send(page, 'Threads?');
    await waitForStatus(page, 'complete');
    await context.close();
  });
});
