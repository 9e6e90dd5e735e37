/**
 * The app in headless Chromium, for benchmarks: fresh contexts (no service worker, empty
 * storage), storage seeded directly in the app's record shapes, and in-page timing.
 *
 * Timing is taken inside the page with performance.now() (navigation start = 0):
 * - `watch(name, condition)` polls once per animation frame, so a mark is the first frame in
 *   which the condition holds: what the user sees, to within one frame (≈16 ms).
 * - Main-thread long tasks (> 50 ms) are collected from the first moment of the page.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { inject } from 'vitest';

export const baseURL = (): string => inject('baseURL');

/** Runs before any page script: frame-by-frame marks and the long-task log. */
function instrument(): void {
  const bench = { marks: {} as Record<string, number>, longTasks: [] as Array<{ start: number; duration: number }> };
  (window as unknown as { __bench: typeof bench }).__bench = bench;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  const watches: Record<string, () => boolean> = {
    painted: () => document.querySelector('#app > *') !== null,
    composer: () => document.querySelector('#composer-input') !== null,
    interactive: () => document.querySelector('#composer-input:not([disabled])') !== null,
    sidebar: () => document.querySelector('aside nav li') !== null,
  };
  const tick = (): void => {
    for (const [name, test] of Object.entries(watches)) {
      if (bench.marks[name] === undefined && test()) bench.marks[name] = performance.now();
    }
    if (Object.keys(watches).some((name) => bench.marks[name] === undefined)) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** A fresh context: empty storage, service workers off (their install would add to what is measured). */
export async function freshContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  await context.addInitScript(instrument);
  // A blank page on the app's origin, to seed its IndexedDB before the app first opens it.
  await context.route(`${baseURL()}bench-blank.html`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>blank</title>' }));
  return context;
}

export interface Marks {
  painted?: number;
  composer?: number;
  interactive?: number;
  sidebar?: number;
  fcp?: number;
}

export async function marks(page: Page): Promise<Marks> {
  return page.evaluate(() => {
    const bench = (window as unknown as { __bench: { marks: Record<string, number> } }).__bench;
    const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
    return { ...bench.marks, ...(fcp === undefined ? {} : { fcp }) };
  });
}

export async function longTasksSince(page: Page, since: number): Promise<number[]> {
  return page.evaluate(
    (from) =>
      (window as unknown as { __bench: { longTasks: Array<{ start: number; duration: number }> } }).__bench.longTasks
        .filter((task) => task.start >= from)
        .map((task) => task.duration),
    since,
  );
}

export interface SeedConversation {
  id: string;
  title: string;
  updatedAt: number;
  /** Message bodies, oldest first; roles alternate user, assistant. */
  messages?: string[];
}

/**
 * Writes conversations (and their messages) as the app stores them: database hearth-chats,
 * store records (idb-keyval's layout: one store, out-of-line keys), keys
 * ['conversation', id] and ['message', conversationId, createdAt, id], every record with schema 1.
 */
export async function seedChats(page: Page, conversations: SeedConversation[]): Promise<void> {
  await page.goto(`${baseURL()}bench-blank.html`);
  await page.evaluate(async (items) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('hearth-chats');
      request.onupgradeneeded = () => request.result.createObjectStore('records');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('records', 'readwrite');
      const store = tx.objectStore('records');
      for (const item of items) {
        const createdAt = item.updatedAt - 60_000;
        store.put({ schema: 1, id: item.id, title: item.title, createdAt, updatedAt: item.updatedAt }, ['conversation', item.id]);
        (item.messages ?? []).forEach((content, index) => {
          const message = {
            schema: 1,
            id: `${item.id}-m${index}`,
            conversationId: item.id,
            createdAt: createdAt + index,
            role: index % 2 === 0 ? 'user' : 'assistant',
            content,
            status: 'complete',
            ...(index % 2 === 1 ? { engine: 'scripted', model: 'hearth-scripted-demo' } : {}),
          };
          store.put(message, ['message', item.id, message.createdAt, message.id]);
        });
      }
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, conversations);
}

/** Waits until a mark is set (or fails after `timeoutMs`). */
export async function waitForMark(page: Page, name: keyof Marks, timeoutMs = 30_000): Promise<number> {
  await page.waitForFunction((mark) => (window as unknown as { __bench: { marks: Record<string, number> } }).__bench.marks[mark] !== undefined, name, {
    timeout: timeoutMs,
  });
  return (await marks(page))[name]!;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
