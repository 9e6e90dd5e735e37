import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO, answers, lastAnswer, launchBrowser, openApp, send, sidebarTitles, waitForReady, waitForStatus } from './support';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('chatting with the demo engine', () => {
  test('the demo engine is labelled, and an answer streams in over many paints', async () => {
    const { page, errors } = await openApp(browser, DEMO());
    await expect.poll(() => page.getByText('Demo engine', { exact: true }).isVisible()).toBe(true);
    await waitForReady(page);

    // Sample the answer's rendered length at every animation frame while it streams.
    await page.evaluate(() => {
      const lengths: number[] = [];
      (window as unknown as { paintedLengths: number[] }).paintedLengths = lengths;
      const sample = (): void => {
        const answer = [...document.querySelectorAll('article.message.assistant')].at(-1);
        lengths.push(answer?.querySelector('.text')?.textContent?.length ?? 0);
        if (answer?.getAttribute('data-status') !== 'complete') requestAnimationFrame(sample);
      };
      requestAnimationFrame(sample);
    });
    await send(page, 'Tell me about Hearth');
    await waitForStatus(page, 'complete');
    const lengths = await page.evaluate(() => (window as unknown as { paintedLengths: number[] }).paintedLengths);
    const distinctPartialLengths = new Set(lengths.filter((length) => length > 0)).size;
    expect(distinctPartialLengths).toBeGreaterThan(5);

    await expect.poll(() => lastAnswer(page).locator('.text').textContent()).toContain('Tell me about Hearth');
    await expect.poll(() => lastAnswer(page).locator('strong').first().textContent()).toBe('Hearth’s demo engine');
    expect(await lastAnswer(page).locator('.meta').textContent()).toMatch(/\d+ tokens · [\d.]+ tok\/s/);
    expect(await sidebarTitles(page)).toEqual(['Tell me about Hearth']);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('Shift+Enter adds a line; Enter sends; the box is disabled until the model is ready', async () => {
    const { page } = await openApp(browser, DEMO({ load: 1500 }));
    await expect.poll(() => page.locator('#composer-input').isDisabled()).toBe(true);
    await waitForReady(page);
    const box = page.locator('#composer-input');
    await box.fill('line one');
    await box.press('Shift+Enter');
    await box.pressSequentially('line two');
    expect(await box.inputValue()).toBe('line one\nline two');
    await box.press('Enter');
    await expect.poll(() => page.locator('article.message.user .text').textContent()).toBe('line one\nline two');
    expect(await box.inputValue()).toBe('');
    await page.context().close();
  });

  test('Stop keeps the partial answer; Regenerate replaces it', async () => {
    const { page } = await openApp(browser, DEMO({ tps: 15 }));
    await waitForReady(page);
    await send(page, 'Stop me');
    await expect.poll(async () => (await lastAnswer(page).locator('.text').textContent())?.length ?? 0).toBeGreaterThan(10);
    await page.getByRole('button', { name: 'Stop generating' }).click();
    await waitForStatus(page, 'stopped');
    const partial = (await lastAnswer(page).locator('.text').textContent()) ?? '';
    await page.waitForTimeout(400);
    expect(await lastAnswer(page).locator('.text').textContent()).toBe(partial);
    expect(partial.length).toBeLessThan(200);
    expect(await lastAnswer(page).locator('.meta').textContent()).toContain('Stopped');

    await page.getByRole('button', { name: 'Regenerate answer' }).click();
    await expect.poll(() => lastAnswer(page).getAttribute('data-status')).toBe('streaming');
    expect(await answers(page).count()).toBe(1);
    await page.context().close();
  });

  test('an injected engine failure shows inline with Retry', async () => {
    const { page } = await openApp(browser, DEMO({ fail: 'generate:5:The GPU ran out of memory' }));
    await waitForReady(page);
    await send(page, 'Break please');
    await waitForStatus(page, 'error');
    await expect.poll(() => lastAnswer(page).getByRole('alert').textContent()).toContain('The GPU ran out of memory');
    await expect.poll(() => lastAnswer(page).getByRole('button', { name: 'Retry' }).isVisible()).toBe(true);
    await page.context().close();
  });
});

describe('conversations persist', () => {
  test('reload finds the conversation, including a partially streamed answer', async () => {
    const { page } = await openApp(browser, DEMO({ tps: 12 }));
    await waitForReady(page);
    await send(page, 'Remember this');
    // Let a checkpoint happen mid-answer, then leave the page while it still streams.
    await expect.poll(async () => (await lastAnswer(page).locator('.text').textContent())?.length ?? 0, { timeout: 10_000 }).toBeGreaterThan(20);
    await page.waitForTimeout(900);
    expect(await lastAnswer(page).getAttribute('data-status')).toBe('streaming');
    await page.reload();
    await expect.poll(() => sidebarTitles(page)).toEqual(['Remember this']);
    await expect.poll(() => page.locator('article.message.user .text').textContent()).toBe('Remember this');
    await waitForStatus(page, 'interrupted');
    expect(((await lastAnswer(page).locator('.text').textContent()) ?? '').length).toBeGreaterThan(10);
    expect(await lastAnswer(page).locator('.meta').textContent()).toContain('Interrupted');
    await page.context().close();
  });

  test('rename, delete with undo, and clear all with confirmation', async () => {
    const { page } = await openApp(browser, DEMO({ tps: 400 }));
    await waitForReady(page);
    await send(page, 'First chat');
    await waitForStatus(page, 'complete');
    await page.getByRole('button', { name: 'New chat' }).click();
    await send(page, 'Second chat');
    await waitForStatus(page, 'complete');
    expect(await sidebarTitles(page)).toEqual(['Second chat', 'First chat']);

    await page.getByRole('button', { name: 'Rename “First chat”' }).click();
    const title = page.getByRole('textbox', { name: 'New title' });
    await title.fill('Trip plans');
    await title.press('Enter');
    await expect.poll(() => sidebarTitles(page)).toEqual(['Second chat', 'Trip plans']);

    await page.getByRole('button', { name: 'Delete “Trip plans”' }).click();
    await expect.poll(() => sidebarTitles(page)).toEqual(['Second chat']);
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => sidebarTitles(page)).toEqual(['Second chat', 'Trip plans']);

    await page.reload();
    await expect.poll(() => sidebarTitles(page)).toEqual(['Second chat', 'Trip plans']);

    await page.getByRole('button', { name: 'Delete “Second chat”' }).click();
    await expect.poll(() => sidebarTitles(page)).toEqual(['Trip plans']);
    await page.reload();
    await expect.poll(() => sidebarTitles(page)).toEqual(['Trip plans']);

    await page.getByRole('button', { name: 'Clear all conversations…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete all conversations?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await sidebarTitles(page)).toEqual(['Trip plans']);
    await page.getByRole('button', { name: 'Clear all conversations…' }).click();
    await dialog.getByRole('button', { name: 'Delete all' }).click();
    await expect.poll(() => sidebarTitles(page)).toEqual([]);
    await page.reload();
    await waitForReady(page);
    expect(await sidebarTitles(page)).toEqual([]);
    await page.context().close();
  });
});
