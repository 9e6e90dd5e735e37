/**
 * The app itself in headless Chromium: start-up, a 10,000-conversation sidebar, opening a
 * 2,000-message conversation, and the main thread's cost of streaming at 50 and 500 tokens/s.
 * Every figure is the median of several runs, beside a baseline measured in this run.
 *
 * Definitions:
 * - first contentful paint: Chromium's paint timing entry.
 * - interactive: the first animation frame in which the composer is enabled, with the demo
 *   engine (`?engine=scripted&load=0`): the app's code, storage, the engine worker and its
 *   (pretend) model are all loaded and a message can be sent.
 * - sidebar load: the first frame showing a conversation title, from navigation start, on a
 *   repeat visit (HTTP cache warm, so downloads do not drown the figure); its baseline is the
 *   same page with one stored conversation, so the difference is what the other 9,999 cost.
 *   The sidebar first shows the newest 50 (storage/recent.ts); "all listed" is the first frame
 *   in which it counts every conversation.
 * - opening a conversation: from the click on its title to the first frame showing its last
 *   message; baseline, a 2-message conversation opened the same way.
 * - streaming cost per token: main-thread task time (Chrome DevTools Protocol
 *   Performance.getMetrics, TaskDuration) while an answer streams, over its tokens; baseline,
 *   the same page idle for as long.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, test } from 'vitest';
import { scriptedTokens } from '../../src/lib/engine/scripted';
import { launchBrowser } from '../e2e/support';
import { baseURL, freshContext, longTasksSince, marks, median, seedChats, waitForMark, type SeedConversation } from './app-page';
import { report } from './report';

const RUNS = 5;
const DEMO = '?engine=scripted&load=0&ttft=0';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** index.html without any script: the floor every page pays (HTML, CSS, a line of text). */
async function shellWithoutScripts(): Promise<string> {
  const html = await readFile(join(import.meta.dirname, '..', '..', 'dist', 'index.html'), 'utf8');
  return html
    .replace(/<script[^>]*><\/script>/g, '')
    .replace(/<link rel="modulepreload"[^>]*>/g, '')
    .replace(/<noscript>[\s\S]*?<\/noscript>/, '');
}

test('start-up: first contentful paint and interactive', async () => {
  const shell = await shellWithoutScripts();
  const cold = { fcp: [] as number[], painted: [] as number[], interactive: [] as number[], longest: [] as number[] };
  const repeat = { fcp: [] as number[], interactive: [] as number[] };
  const baseline = { fcp: [] as number[], load: [] as number[] };
  for (let run = 0; run < RUNS; run++) {
    const context = await freshContext(browser);
    await context.route(`${baseURL()}bench-shell.html`, (route) => route.fulfill({ contentType: 'text/html', body: shell }));
    const page = await context.newPage();

    await page.goto(`${baseURL()}bench-shell.html`);
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
    baseline.fcp.push((await marks(page)).fcp!);
    baseline.load.push(await page.evaluate(() => performance.getEntriesByType('navigation')[0]!.duration));

    // First visit: nothing cached but the blank shell's CSS.
    await page.goto(`${baseURL()}${DEMO}`);
    cold.interactive.push(await waitForMark(page, 'interactive'));
    const first = await marks(page);
    cold.fcp.push(first.fcp!);
    cold.painted.push(first.painted!);
    cold.longest.push(Math.max(0, ...(await longTasksSince(page, 0))));

    // Repeat visit: the HTTP cache is warm (no service worker here: blocked for measuring).
    await page.goto(`${baseURL()}${DEMO}`);
    repeat.interactive.push(await waitForMark(page, 'interactive'));
    repeat.fcp.push((await marks(page)).fcp!);
    await context.close();
  }
  const shellFcp = { label: 'HTML+CSS shell, no JS: FCP', value: median(baseline.fcp) };
  report('Start-up (headless Chromium, demo engine, median of 5)', [
    { metric: 'first contentful paint, first visit', value: median(cold.fcp), unit: 'ms', baseline: shellFcp },
    { metric: 'interactive (composer enabled), first visit', value: median(cold.interactive), unit: 'ms', baseline: shellFcp, target: '< 1000 ms' },
    { metric: 'first contentful paint, repeat visit', value: median(repeat.fcp), unit: 'ms', baseline: shellFcp },
    { metric: 'interactive, repeat visit', value: median(repeat.interactive), unit: 'ms', baseline: shellFcp, target: '< 1000 ms' },
    { metric: 'longest main-thread task during first visit', value: median(cold.longest), unit: 'ms', baseline: { label: 'shell page load (whole)', value: median(baseline.load) } },
  ]);
});

function conversations(count: number): SeedConversation[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, index) => ({
    id: `bench-${index}`,
    title: `Conversation ${index}: planning the ${['garden', 'trip', 'budget', 'release', 'recipe'][index % 5]} for week ${index % 52}`,
    updatedAt: now - index * 1000,
  }));
}

async function sidebarLoad(count: number): Promise<{ sidebar: number; listed: number; interactive: number; rows: number; longest: number; read: number }> {
  const context = await freshContext(browser);
  const page = await context.newPage();
  await seedChats(page, conversations(count));
  // Measured on the second visit: the first one's downloads and database creation vary by hundreds of ms.
  await page.goto(`${baseURL()}${DEMO}`);
  await waitForMark(page, 'interactive');
  await page.goto(`${baseURL()}${DEMO}`);
  const sidebar = await waitForMark(page, 'sidebar');
  const listed = await wholeListShown(page, count);
  const interactive = await waitForMark(page, 'interactive');
  const rows = await page.locator('aside nav li').count();
  const longest = Math.max(0, ...(await longTasksSince(page, 0)));
  const read = await rawRead(page);
  await context.close();
  return { sidebar, listed, interactive, rows, longest, read };
}

/** The first frame in which the sidebar counts all `count` conversations (its rows say how many there are). */
function wholeListShown(page: Page, count: number): Promise<number> {
  return page.evaluate(async (expected) => {
    for (;;) {
      const row = document.querySelector('aside nav li');
      if (row?.getAttribute('aria-setsize') === String(expected)) return performance.now();
      if (performance.now() > 60_000) throw new Error(`the sidebar never listed ${expected} conversations`);
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  }, count);
}

/** IndexedDB alone: one getAll of every conversation record, as the app's list reads them. */
function rawRead(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('hearth-chats');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const started = performance.now();
    await new Promise((resolve, reject) => {
      const request = db.transaction('records').objectStore('records').getAll(IDBKeyRange.bound(['conversation'], ['conversation', []]));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return performance.now() - started;
  });
}

test('sidebar with 10,000 stored conversations', async () => {
  const big: Array<Awaited<ReturnType<typeof sidebarLoad>>> = [];
  const small: Array<Awaited<ReturnType<typeof sidebarLoad>>> = [];
  for (let run = 0; run < RUNS; run++) {
    small.push(await sidebarLoad(1));
    big.push(await sidebarLoad(10_000));
  }
  const of = (list: typeof big, key: keyof (typeof big)[number]): number => median(list.map((item) => item[key]));
  report('Sidebar with 10,000 conversations (median of 5)', [
    { metric: 'sidebar shown, 10,000 conversations (from navigation)', value: of(big, 'sidebar'), unit: 'ms', baseline: { label: '1 conversation', value: of(small, 'sidebar') } },
    {
      metric: 'cost of the 10,000 (difference)',
      value: of(big, 'sidebar') - of(small, 'sidebar'),
      unit: 'ms',
      baseline: { label: '1 conversation, from navigation', value: of(small, 'sidebar') },
      target: '< 100 ms',
    },
    { metric: 'all 10,000 listed (from navigation)', value: of(big, 'listed'), unit: 'ms', baseline: { label: '1 conversation', value: of(small, 'listed') } },
    {
      metric: 'IndexedDB reading all 10,000 headers (getAll; after start-up)',
      value: of(big, 'read'),
      unit: 'ms',
      baseline: { label: '1 record', value: of(small, 'read') },
    },
    { metric: 'interactive, 10,000 conversations', value: of(big, 'interactive'), unit: 'ms', baseline: { label: '1 conversation', value: of(small, 'interactive') } },
    { metric: 'longest main-thread task, 10,000 conversations', value: of(big, 'longest'), unit: 'ms', baseline: { label: '1 conversation', value: of(small, 'longest') } },
    { metric: 'conversation rows in the DOM', value: of(big, 'rows'), unit: 'rows', baseline: { label: 'stored', value: 10_000 } },
  ]);
});

/** A chat's worth of messages: questions, and answers with the Markdown models write. */
function messages(count: number, tag: string): string[] {
  return Array.from({ length: count }, (_, index) =>
    index % 2 === 0
      ? `Question ${index} (${tag}): how do I make step ${index} faster?`
      : [
          `Here is what to try for **step ${index}**, in order (${tag} #${index}):`,
          `1. Measure first: \`console.time('step')\` around the slow part.\n2. Cache what does not change.\n3. Batch the writes.`,
          index % 6 === 1 ? "```ts\nconst cache = new Map<string, Result>();\nexport const get = (key: string) => cache.get(key) ?? compute(key);\n```" : 'Then measure again, and keep the change only if it helps.',
        ].join('\n\n'),
  );
}

async function openConversation(page: Page, title: string, lastTag: string): Promise<{ ms: number; longest: number; rendered: number }> {
  const { at, ms } = await page.evaluate(
    async ({ name, tag }) => {
      const button = [...document.querySelectorAll<HTMLButtonElement>('aside nav li button.title')].find((item) => item.textContent?.trim() === name);
      if (!button) throw new Error(`no conversation titled ${name}`);
      const started = performance.now();
      button.click();
      for (;;) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        const last = [...document.querySelectorAll('article.message')].at(-1);
        if (last?.textContent?.includes(tag)) return { at: started, ms: performance.now() - started };
        if (performance.now() - started > 60_000) throw new Error(`"${tag}" never appeared`);
      }
    },
    { name: title, tag: lastTag },
  );
  const longest = Math.max(0, ...(await longTasksSince(page, at)));
  const rendered = await page.locator('article.message').count();
  return { ms, longest, rendered };
}

test('opening a 2,000-message conversation', async () => {
  const big: Array<Awaited<ReturnType<typeof openConversation>>> = [];
  const small: Array<Awaited<ReturnType<typeof openConversation>>> = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await freshContext(browser);
    const page = await context.newPage();
    const now = Date.now();
    await seedChats(page, [
      { id: 'newest', title: 'Newest', updatedAt: now, messages: messages(2, 'newest') },
      { id: 'long', title: 'Long', updatedAt: now - 1000, messages: messages(2000, 'long') },
      { id: 'short', title: 'Short', updatedAt: now - 2000, messages: messages(2, 'short') },
    ]);
    await page.goto(`${baseURL()}${DEMO}`);
    await waitForMark(page, 'interactive');
    small.push(await openConversation(page, 'Short', 'short #1'));
    big.push(await openConversation(page, 'Long', 'long #1999'));
    await context.close();
  }
  const of = (list: typeof big, key: keyof (typeof big)[number]): number => median(list.map((item) => item[key]));
  report('Opening a 2,000-message conversation (median of 5)', [
    { metric: 'click → last message shown, 2,000 messages', value: of(big, 'ms'), unit: 'ms', baseline: { label: '2 messages', value: of(small, 'ms') } },
    { metric: 'longest main-thread task while opening', value: of(big, 'longest'), unit: 'ms', baseline: { label: '2 messages', value: of(small, 'longest') } },
    { metric: 'messages in the DOM after opening', value: of(big, 'rendered'), unit: 'messages', baseline: { label: 'stored', value: 2000 } },
  ]);
});

/** A long Markdown answer for the demo engine to stream, exactly `count` scripted tokens long. */
function replyOf(count: number): string {
  const paragraph =
    'Streaming answers arrive a token at a time, and **each one** must reach the screen without `blocking` the page. ' +
    'A list helps:\n\n- measure the work per token\n- keep it flat as the answer grows\n\n';
  let text = '';
  while (scriptedTokens(text).length < count) text += paragraph;
  return scriptedTokens(text).slice(0, count).join('');
}

/** Total main-thread task time so far, in ms (CDP Performance metrics, enabled once per page). */
async function mainThreadClock(page: Page): Promise<() => Promise<number>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return (metrics.find((metric) => metric.name === 'TaskDuration')?.value ?? 0) * 1000;
  };
}

async function streamCost(tps: number, tokens: number): Promise<{ perToken: number; idlePerToken: number; longTasks: number; longest: number; idleLongest: number }> {
  const context = await freshContext(browser);
  const page = await context.newPage();
  const reply = replyOf(tokens);
  await page.goto(`${baseURL()}?engine=scripted&load=0&ttft=0&tps=${tps}&reply=${encodeURIComponent(reply)}`);
  await waitForMark(page, 'interactive');
  // Let start-up work (lazy chunks, storage) settle before measuring.
  await page.waitForTimeout(500);

  const mainThreadMs = await mainThreadClock(page);
  const idleFrom = await page.evaluate(() => performance.now());
  const idleStart = await mainThreadMs();
  await page.waitForTimeout((tokens / tps) * 1000);
  const idle = (await mainThreadMs()) - idleStart;
  const idleLongest = Math.max(0, ...(await longTasksSince(page, idleFrom)));

  const from = await page.evaluate(() => performance.now());
  const before = await mainThreadMs();
  await page.locator('#composer-input').fill('Stream a long answer, please.');
  await page.locator('#composer-input').press('Enter');
  await page.waitForFunction(() => document.querySelector('article.message.assistant')?.getAttribute('data-status') === 'complete', null, {
    timeout: 120_000,
  });
  const busy = (await mainThreadMs()) - before;
  const long = await longTasksSince(page, from);
  await context.close();
  return { perToken: busy / tokens, idlePerToken: idle / tokens, longTasks: long.length, longest: Math.max(0, ...long), idleLongest };
}

test('streaming: main-thread cost per token at 50 and 500 tokens/s', async () => {
  const slow: Array<Awaited<ReturnType<typeof streamCost>>> = [];
  const fast: Array<Awaited<ReturnType<typeof streamCost>>> = [];
  for (let run = 0; run < 3; run++) {
    slow.push(await streamCost(50, 300));
    fast.push(await streamCost(500, 1000));
  }
  const of = (list: typeof slow, key: keyof (typeof slow)[number]): number => median(list.map((item) => item[key]));
  report('Streaming UI cost (demo engine, median of 3)', [
    { metric: 'main-thread time per token, 50 tok/s (300 tokens)', value: of(slow, 'perToken'), unit: 'ms', baseline: { label: 'idle page, same time', value: of(slow, 'idlePerToken') } },
    { metric: 'main-thread time per token, 500 tok/s (1,000 tokens)', value: of(fast, 'perToken'), unit: 'ms', baseline: { label: 'idle page, same time', value: of(fast, 'idlePerToken') } },
    { metric: 'long tasks (> 50 ms) while streaming at 500 tok/s', value: of(fast, 'longTasks'), unit: 'tasks', target: '0' },
    { metric: 'longest main-thread task at 500 tok/s', value: of(fast, 'longest'), unit: 'ms', baseline: { label: 'idle page', value: of(fast, 'idleLongest') }, target: '≤ 50 ms' },
    { metric: 'longest main-thread task at 50 tok/s', value: of(slow, 'longest'), unit: 'ms', baseline: { label: 'idle page', value: of(slow, 'idleLongest') } },
  ]);
});
