import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { STORAGE_V1, type StorageFixture } from '../fixtures/storage-fixture';
import { DEMO, appUrl, answers, lastAnswer, launchBrowser, openApp, send, sidebarTitles, waitForReady, waitForStatus } from './support';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/**
 * Writes stored data into a context's IndexedDB before the app ever runs there, from a blank
 * page of the app's origin (so the app cannot write first).
 */
async function seedStorage(context: BrowserContext, data: StorageFixture): Promise<void> {
  const page = await context.newPage();
  const blank = appUrl('__seed');
  await page.route(blank, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>seed</title>' }));
  await page.goto(blank);
  // Passed as text: the fixture's type is too deep for page.evaluate's argument typing.
  await page.evaluate(async (text) => {
    const dump = JSON.parse(text) as Record<string, Record<string, Array<{ key: IDBValidKey; value: unknown }>>>;
    const decode = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(decode);
      if (typeof value !== 'object' || value === null) return value;
      const record = value as Record<string, unknown>;
      if (typeof record.$blob === 'string') return new Blob([Uint8Array.from(atob(record.$blob), (char) => char.charCodeAt(0))], { type: String(record.type ?? '') });
      return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, decode(item)]));
    };
    for (const [name, stores] of Object.entries(dump)) {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onupgradeneeded = () => {
          for (const store of Object.keys(stores)) request.result.createObjectStore(store);
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const [store, records] of Object.entries(stores)) {
        const tx = db.transaction(store, 'readwrite');
        for (const record of records) tx.objectStore(store).put(decode(record.value), record.key);
        await new Promise((resolve, reject) => {
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
        });
      }
      db.close();
    }
  }, JSON.stringify(data));
  await page.close();
}

const panel = (page: Page) => page.getByRole('complementary', { name: 'Studio' });

describe('stored data from the first release', () => {
  test('opens with every conversation, template version, persona, document, limit and trace', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await seedStorage(context, STORAGE_V1);
    const { page, errors } = await openApp(browser, DEMO({ tps: 400 }), context);
    await waitForReady(page);
    await expect.poll(() => sidebarTitles(page)).toEqual(['Second conversation', 'Explain tides simply.']);

    await page.getByRole('button', { name: 'Explain tides simply.', exact: true }).click();
    await expect.poll(() => answers(page).count()).toBe(2);
    expect(await page.locator('article.message.user').last().textContent()).toContain('What causes tides? \u200fעברית\u200f a\u200db');
    expect(await page.locator('article.message.user').first().textContent()).toContain('Explain · v1');
    expect(await lastAnswer(page).locator('.name').textContent()).toContain('Pirate');
    await expect.poll(() => answers(page).first().getByRole('button', { name: 'Good answer' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('region', { name: 'Documents for this chat' }).textContent()).toContain('notes.md');

    await page.getByRole('button', { name: 'Open settings, personas and templates' }).click();
    await panel(page).getByRole('tab', { name: 'Templates' }).click();
    expect(await panel(page).getByRole('listitem').filter({ hasText: 'Explain' }).textContent()).toContain('v2');

    await page.getByRole('button', { name: /^Limits:/ }).click();
    expect(await page.getByRole('dialog', { name: 'Limits' }).getByLabel('Per minute', { exact: true }).inputValue()).toBe('12');
    await page.getByRole('dialog', { name: 'Limits' }).getByRole('button', { name: 'Close limits' }).click();

    // And it keeps working: a new answer joins the old ones.
    await send(page, 'One more');
    await expect.poll(() => answers(page).count()).toBe(3);
    await waitForStatus(page, 'complete');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('two tabs on one conversation', () => {
  test('a rename and messages from both tabs are all kept, whichever writes last', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const first = await openApp(browser, DEMO({ tps: 20 }), context);
    await waitForReady(first.page);
    await send(first.page, 'Written in the first tab');
    await waitForStatus(first.page, 'complete');

    const second = await context.newPage();
    await second.goto(appUrl(DEMO({ tps: 20 })));
    await expect.poll(() => sidebarTitles(second)).toEqual(['Written in the first tab']);
    await second.getByRole('button', { name: 'Written in the first tab', exact: true }).click();
    await expect.poll(() => answers(second).count()).toBe(1);

    // The first tab streams an answer while the second renames the conversation.
    await send(first.page, 'Another question');
    await expect.poll(() => lastAnswer(first.page).getAttribute('data-status')).toBe('streaming');
    await second.getByRole('button', { name: 'Rename “Written in the first tab”' }).click();
    await second.getByRole('textbox', { name: 'New title' }).fill('Renamed in the second tab');
    await second.getByRole('textbox', { name: 'New title' }).press('Enter');
    await waitForStatus(first.page, 'complete');

    // The second tab sees the new answer without a reload; the first keeps the rename.
    await expect.poll(() => answers(second).count()).toBe(2);
    await expect.poll(() => sidebarTitles(first.page)).toEqual(['Renamed in the second tab']);
    for (const page of [first.page, second]) {
      await page.reload();
      await expect.poll(() => sidebarTitles(page)).toEqual(['Renamed in the second tab']);
      await expect.poll(() => page.locator('article.message .text').count()).toBe(4);
    }
    await context.close();
  });
});

describe('storage faults', () => {
  test('a full disk: one clear message, the chat goes on, and what was kept in the tab is saved once there is room', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Every IndexedDB write fails as a full disk makes it fail, while the page says so.
    await context.addInitScript(() => {
      const state = window as unknown as { __storageFull: boolean };
      state.__storageFull = false;
      for (const method of ['put', 'add'] as const) {
        const original = IDBObjectStore.prototype[method];
        IDBObjectStore.prototype[method] = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
          if (state.__storageFull) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          return original.apply(this, args);
        };
      }
    });
    const { page, errors } = await openApp(browser, DEMO({ tps: 120 }), context);
    const setFull = (full: boolean) => page.evaluate((value) => ((window as unknown as { __storageFull: boolean }).__storageFull = value), full);
    await waitForReady(page);
    await send(page, 'Before the disk filled up');
    await waitForStatus(page, 'complete');

    await setFull(true);
    await send(page, 'While the disk is full');
    await expect.poll(() => answers(page).count()).toBe(2);
    await waitForStatus(page, 'complete');
    const full = page.getByRole('alert').filter({ hasText: 'Browser storage is full' });
    await expect.poll(() => full.count()).toBe(1);

    await setFull(false);
    await send(page, 'After some space was freed');
    await expect.poll(() => answers(page).count()).toBe(3);
    await waitForStatus(page, 'complete');
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'stored again' }).count()).toBe(1);
    expect(await full.count()).toBe(0);

    await page.reload();
    await waitForReady(page);
    await page.getByRole('button', { name: 'Before the disk filled up', exact: true }).click();
    await expect.poll(() => page.locator('article.message.user .text').allTextContents()).toEqual([
      'Before the disk filled up',
      'While the disk is full',
      'After some space was freed',
    ]);
    expect(await answers(page).evaluateAll((items) => items.map((item) => item.getAttribute('data-status')))).toEqual(['complete', 'complete', 'complete']);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('a browser that refuses IndexedDB: the app works in memory and says nothing is being saved', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // As some private modes do: opening any database fails.
    await context.addInitScript(() => {
      IDBFactory.prototype.open = () => {
        throw new DOMException('The operation is insecure.', 'SecurityError');
      };
    });
    const { page, errors } = await openApp(browser, DEMO({ tps: 120 }), context);
    await waitForReady(page);
    const notice = page.getByRole('alert').filter({ hasText: 'Nothing is being saved' });
    await expect.poll(() => notice.count()).toBe(1);
    await send(page, 'Kept only in this tab');
    await waitForStatus(page, 'complete');
    // Everything that stores works on the in-memory database: conversations, traces, the guard.
    await page.waitForTimeout(300);
    expect(await page.getByRole('alert').filter({ hasNotText: 'Nothing is being saved' }).allTextContents()).toEqual([]);
    await expect.poll(() => sidebarTitles(page)).toEqual(['Kept only in this tab']);
    await page.getByRole('button', { name: 'Rename “Kept only in this tab”' }).click();
    await page.getByRole('textbox', { name: 'New title' }).fill('Renamed in memory');
    await page.getByRole('textbox', { name: 'New title' }).press('Enter');
    await expect.poll(() => sidebarTitles(page)).toEqual(['Renamed in memory']);
    expect(errors).toEqual([]);
    await context.close();
  });
});
