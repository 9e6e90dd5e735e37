/**
 * What the app costs on top of the engine: llama.cpp's own decode speed, measured inside its
 * wasm worker, against the speed at which tokens appear in the page, for the tiny GGUF model
 * on the CPU in headless Chromium. Same run, same answers.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, test } from 'vitest';
import { makeTinyGguf } from '../fixtures/tiny-gguf';
import { launchBrowser, openApp, openModelFiles, send, storeSampling, waitForReady, waitForStatus } from '../e2e/support';
import { mean, report } from './report';
import type { Browser } from 'playwright-core';

const RUNS = 5;
const TOKENS = 400;

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** Watches the last answer's text and records when it changes, until it is complete. */
async function watchRendering(page: Page): Promise<void> {
  await page.evaluate(() => {
    const marks: Array<{ at: number; length: number }> = [];
    (window as unknown as { renderMarks: typeof marks }).renderMarks = marks;
    const log = document.querySelector('[role="log"]') as HTMLElement;
    const startCount = log.querySelectorAll('article.message.assistant').length;
    const observer = new MutationObserver(() => {
      const all = log.querySelectorAll('article.message.assistant');
      if (all.length <= startCount) return;
      const answer = all[all.length - 1] as HTMLElement;
      const length = answer.querySelector('.text')?.textContent?.length ?? 0;
      if (length > 0 && length !== marks.at(-1)?.length) marks.push({ at: performance.now(), length });
      if (answer.dataset.status !== 'streaming') observer.disconnect();
    });
    observer.observe(log, { subtree: true, childList: true, characterData: true, attributes: true });
  });
}

/** The answer as stored: the engine's own timings come with it. */
async function lastStoredAnswer(page: Page): Promise<{ tokens: number; engineTokensPerSecond: number }> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('hearth-chats');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const records = await new Promise<Array<Record<string, unknown>>>((resolve) => {
      const request = db.transaction('records').objectStore('records').getAll();
      request.onsuccess = () => resolve(request.result as Array<Record<string, unknown>>);
    });
    db.close();
    const answers = records
      .filter((record) => record.role === 'assistant')
      .sort((a, b) => (a.createdAt as number) - (b.createdAt as number));
    const last = answers.at(-1) as { usage: { completionTokens: number }; timings: { decodeTokensPerSecond: number } };
    return { tokens: last.usage.completionTokens, engineTokensPerSecond: last.timings.decodeTokensPerSecond };
  });
}

test('tiny GGUF on the CPU: engine decode speed vs. tokens rendered in the page', async () => {
  const { page } = await openApp(browser);
  await page.getByRole('button', { name: 'Open a GGUF file…' }).waitFor();
  await storeSampling(page, { max_tokens: TOKENS, seed: 1, temperature: 0.8 });
  await openModelFiles(page, [{ name: 'tiny.gguf', buffer: Buffer.from(makeTinyGguf()) }]);
  await waitForReady(page);

  const engine: number[] = [];
  const rendered: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await page.getByRole('button', { name: 'New chat' }).click();
    await watchRendering(page);
    await send(page, `Tell me story number ${run}`);
    await waitForStatus(page, 'complete');
    const marks = await page.evaluate(() => (window as unknown as { renderMarks: Array<{ at: number; length: number }> }).renderMarks);
    const { tokens, engineTokensPerSecond } = await lastStoredAnswer(page);
    const first = marks[0];
    const last = marks.at(-1);
    if (!first || !last || tokens < 2) throw new Error('nothing was rendered');
    // Tokens reach the page in bursts, so the first paint may already hold several: count only the
    // tokens that appeared after it (estimated from the share of the text already shown).
    const tokensAfterFirstPaint = tokens * (1 - first.length / last.length);
    rendered.push(tokensAfterFirstPaint / ((last.at - first.at) / 1000));
    engine.push(engineTokensPerSecond);
  }
  const ratio = mean(rendered) / mean(engine);
  report('GGUF engine vs. rendered speed (tiny model, CPU, 1 thread)', [
    {
      metric: `tokens/s rendered in the page (mean of ${RUNS} × ${TOKENS} tokens)`,
      value: mean(rendered),
      unit: 'tok/s',
      baseline: { label: 'llama.cpp decode inside the worker', value: mean(engine) },
      target: 'ratio ≥ 0.98',
    },
    { metric: 'ratio rendered / engine', value: ratio, unit: '' },
  ]);
  await page.context().close();
});
