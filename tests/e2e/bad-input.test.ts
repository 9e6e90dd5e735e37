import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO, appUrl, answers, lastAnswer, launchBrowser, openApp, send, sidebarTitles, waitForReady, waitForStatus } from './support';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const HUGE_ID = 'c0ffee00-0000-4000-8000-000000000001';
const HUGE_COUNT = 100_000;

/** Counts the stored messages of a conversation, straight from IndexedDB. */
function storedMessages(page: Page, conversationId: string): Promise<number> {
  return page.evaluate(
    (id) =>
      new Promise<number>((resolve, reject) => {
        const request = indexedDB.open('hearth-chats');
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const count = request.result
            .transaction('records')
            .objectStore('records')
            .count(IDBKeyRange.bound(['message', id], ['message', id, []]));
          count.onsuccess = () => resolve(count.result);
          count.onerror = () => reject(count.error);
        };
      }),
    conversationId,
  );
}

/** Measures the longest main-thread task from now until `stop()` is evaluated. */
async function watchLongTasks(page: Page): Promise<{ stop(): Promise<number> }> {
  await page.evaluate(() => {
    const state = window as unknown as { __longest: number; __observer: PerformanceObserver };
    state.__longest = 0;
    state.__observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) state.__longest = Math.max(state.__longest, entry.duration);
    });
    state.__observer.observe({ type: 'longtask' });
  });
  return {
    stop: () =>
      page.evaluate(() => {
        const state = window as unknown as { __longest: number; __observer: PerformanceObserver };
        state.__observer.disconnect();
        return state.__longest;
      }),
  };
}

/** A blank page on the app's origin, to write its storage before the app first opens it. */
async function seederPage(context: BrowserContext): Promise<Page> {
  const seeder = await context.newPage();
  const blank = appUrl('__seed');
  await seeder.route(blank, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>seed</title>' }));
  await seeder.goto(blank);
  return seeder;
}

/** The sidebar's count of conversations, as its rows tell assistive technology. */
const listedCount = (page: Page): Promise<string | null> => page.locator('aside nav li').first().getAttribute('aria-setsize');

describe('bad and extreme input', () => {
  test("3,000 conversations: the newest show at once, all are listed after start-up, and a new answer's order survives a reload", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const seeder = await seederPage(context);
    // Written as an older Hearth would: headers only, no record of the recent ones.
    await seeder.evaluate(async (count) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('hearth-chats');
        request.onupgradeneeded = () => request.result.createObjectStore('records');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const tx = db.transaction('records', 'readwrite');
      const start = Date.UTC(2026, 0, 1);
      for (let index = 0; index < count; index++) {
        const id = `seeded-${index}`;
        tx.objectStore('records').put({ id, title: `Seeded ${index}`, createdAt: start, updatedAt: start + index, schema: 1 }, ['conversation', id]);
      }
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    }, 3000);
    await seeder.close();

    const { page, errors } = await openApp(browser, DEMO({ tps: 400 }), context);
    await waitForReady(page);
    await expect.poll(() => listedCount(page)).toBe('3000');
    expect((await sidebarTitles(page)).slice(0, 3)).toEqual(['Seeded 2999', 'Seeded 2998', 'Seeded 2997']);

    // The next start shows the newest from one record, then the whole list again.
    await page.reload();
    await waitForReady(page);
    await expect.poll(() => listedCount(page)).toBe('3000');
    // An answer in an older conversation moves it to the top, and it stays there.
    await page.getByRole('button', { name: 'Seeded 2990', exact: true }).click();
    await send(page, 'A new question');
    await waitForStatus(page, 'complete');
    await expect.poll(async () => (await sidebarTitles(page))[0]).toBe('Seeded 2990');
    // The record start-up shows first was kept in step with the save.
    const recent = await page.evaluate(
      () =>
        new Promise<{ conversations: Array<{ id: string }>; complete: boolean }>((resolve, reject) => {
          const request = indexedDB.open('hearth-chats');
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            const read = request.result.transaction('records').objectStore('records').get(['recent']);
            read.onsuccess = () => resolve(read.result);
            read.onerror = () => reject(read.error);
          };
        }),
    );
    expect(recent.complete).toBe(false);
    expect(recent.conversations).toHaveLength(50);
    expect(recent.conversations.slice(0, 2).map((item) => item.id)).toEqual(['seeded-2990', 'seeded-2999']);
    await page.reload();
    await waitForReady(page);
    expect((await sidebarTitles(page)).slice(0, 2)).toEqual(['Seeded 2990', 'Seeded 2999']);
    await expect.poll(() => listedCount(page)).toBe('3000');
    expect((await sidebarTitles(page)).slice(0, 2)).toEqual(['Seeded 2990', 'Seeded 2999']);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('a 100,000-message conversation opens at its newest messages, pages earlier ones in, and takes a new message', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const seeder = await seederPage(context);
    await seeder.evaluate(
      async ({ id, count }) => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const request = indexedDB.open('hearth-chats');
          request.onupgradeneeded = () => request.result.createObjectStore('records');
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
        const start = Date.UTC(2026, 0, 1);
        const tx = db.transaction('records', 'readwrite');
        const store = tx.objectStore('records');
        store.put({ id, title: 'A very long conversation', createdAt: start, updatedAt: start + count, schema: 1 }, ['conversation', id]);
        for (let index = 0; index < count; index++) {
          const role = index % 2 === 0 ? 'user' : 'assistant';
          const message = { id: `m${index}`, conversationId: id, createdAt: start + index, role, content: `${role} message ${index}`, status: 'complete', schema: 1 };
          store.put(message, ['message', id, message.createdAt, message.id]);
        }
        await new Promise((resolve, reject) => {
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
        });
        db.close();
      },
      { id: HUGE_ID, count: HUGE_COUNT },
    );
    await seeder.close();

    const { page, errors } = await openApp(browser, DEMO({ tps: 400 }), context);
    await waitForReady(page);
    const longTasks = await watchLongTasks(page);
    await page.getByRole('button', { name: 'A very long conversation', exact: true }).click();
    await expect.poll(() => lastAnswer(page).textContent(), { timeout: 30_000 }).toContain(`assistant message ${HUGE_COUNT - 1}`);
    // Only a window of the conversation is in the page.
    expect(await page.locator('article.message').count()).toBeLessThan(500);

    const shownCount = () => page.locator('article.message').count();
    const before = await shownCount();
    await page.getByRole('button', { name: /Show earlier messages/ }).click();
    await expect.poll(shownCount).toBeGreaterThan(before);
    // Scrolling to the top asks for more, too.
    const afterButton = await shownCount();
    await page.getByRole('log', { name: 'Conversation' }).evaluate((log) => (log.parentElement!.scrollTop = 0));
    await expect.poll(shownCount).toBeGreaterThan(afterButton);

    await send(page, 'One more, after a hundred thousand.');
    await waitForStatus(page, 'complete');
    const longest = await longTasks.stop();
    console.info(`100,000 messages: longest main-thread task ${Math.round(longest)} ms`);
    await expect.poll(() => storedMessages(page, HUGE_ID)).toBe(HUGE_COUNT + 2);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('5 MB of pasted text is sent, kept and shown folded; the chat goes on', async () => {
    const { page, context, errors } = await openApp(browser, DEMO({ tps: 400 }));
    await waitForReady(page);
    const paragraph = 'All work and no play makes Jack a dull boy. '.repeat(20) + '\n\n';
    const pasted = paragraph.repeat(Math.ceil((5 * 1024 * 1024) / paragraph.length));
    // A real paste: the clipboard event the browser fires, not a keystroke per character.
    await page.locator('#composer-input').evaluate((box, text) => {
      const data = new DataTransfer();
      data.setData('text/plain', text);
      box.focus();
      box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      if (!(box as HTMLTextAreaElement).value) {
        (box as HTMLTextAreaElement).value = text;
        box.dispatchEvent(new Event('input', { bubbles: true }));
      }
    }, pasted);
    await page.locator('#composer-input').press('Enter');
    // Longer than any context window: answered with why, not sent.
    await expect.poll(() => lastAnswer(page).textContent(), { timeout: 30_000 }).toMatch(/too long|context window/i);
    const user = page.locator('article.message.user').last();
    await expect.poll(() => user.getByRole('button', { name: /Show all/ }).count()).toBe(1);
    expect((await user.textContent())!.length).toBeLessThan(20_000);

    await send(page, 'And a short question after it.');
    await expect.poll(() => page.locator('article.message.user').last().textContent()).toContain('And a short question after it.');

    await page.reload();
    await waitForReady(page);
    const stored = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const request = indexedDB.open('hearth-chats');
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            const all = request.result.transaction('records').objectStore('records').getAll(IDBKeyRange.bound(['message'], ['message', []]));
            all.onsuccess = () => resolve(Math.max(...all.result.map((message: { content: string }) => message.content.length)));
            all.onerror = () => reject(all.error);
          };
        }),
    );
    // The composer trims the message's ends, as for any message.
    expect(stored).toBe(pasted.trim().length);
    expect(errors).toEqual([]);
    await context.close();
  });

  test('right-to-left text, zero-width characters and emoji sequences survive the round trip intact', async () => {
    const { page, context, errors } = await openApp(browser, DEMO({ tps: 400, reply: 'Echo: {{input}}' }));
    await waitForReady(page);
    const text = 'שלום עולם \u202Etxt.exe\u202C مرحبا 👩‍👩‍👧‍👦 🇫🇷 e\u0301 a\u200Bb\u200D\u2060 \uFEFF❤️‍🔥';
    await send(page, text);
    await waitForStatus(page, 'complete');
    expect(await page.locator('article.message.user .text').last().textContent()).toBe(text);
    const answer = (await lastAnswer(page).locator('.text').textContent()) ?? '';
    expect(answer).toContain('👩‍👩‍👧‍👦');
    expect(answer).toContain('❤️‍🔥');
    expect(answer).not.toContain('\uFFFD');
    // The title keeps the Hebrew, drops the override that would reorder the sidebar, and isolates its direction.
    const [title] = await sidebarTitles(page);
    expect(title).toContain('שלום עולם');
    expect(title).not.toContain('\u202E');
    expect(await page.locator('aside nav li .title').first().getAttribute('dir')).toBe('auto');
    await page.reload();
    await waitForReady(page);
    await page.getByRole('button', { name: title!, exact: true }).click();
    await expect.poll(() => page.locator('article.message.user .text').last().textContent()).toBe(text);
    expect(await answers(page).count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });
});
