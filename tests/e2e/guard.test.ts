import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO, answers, lastAnswer, launchBrowser, limitsDialog, limitsMeter as meter, openApp, send, setLimits, settledUsage, usedToday, waitForReady, waitForStatus } from './support';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe('limits, budgets and the response cache', () => {
  test('hitting the rate limit says when the next request is allowed, and keeps the message', async () => {
    const { page, errors } = await openApp(browser, DEMO({ tps: 400 }));
    await waitForReady(page);
    await setLimits(page, { 'Per minute': '1', 'In a row': '1' });

    await send(page, 'The first question');
    await waitForStatus(page, 'complete');
    await send(page, 'Too soon');
    const notice = page.getByRole('alert').filter({ hasText: 'Rate limit' });
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/1 request a minute, 1 at most in a row\. You can send again in (\d+ s|1 min), at /);
    // Nothing was sent: the text is back in the box, and there is still one answer.
    expect(await page.locator('#composer-input').inputValue()).toBe('Too soon');
    expect(await answers(page).count()).toBe(1);
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await notice.waitFor({ state: 'hidden' });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('a repeated question is served from the cache with a badge; Regenerate fresh asks the model again', async () => {
    const { page, errors } = await openApp(browser, DEMO({ tps: 400 }));
    await waitForReady(page);
    // The default temperature is not reproducible: the dialog says so until a seed is fixed.
    await meter(page).click();
    const dialog = limitsDialog(page);
    await expect.poll(() => dialog.getByText(/Not cached now: temperature 0\.7 and no seed/).isVisible()).toBe(true);
    await dialog.getByLabel('Reproducible answers (fixed seed)').check();
    await expect.poll(() => dialog.getByText('Answers are cached now (seed 42).').isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Close limits' }).click();

    await send(page, 'What is Hearth?');
    await waitForStatus(page, 'complete');
    const original = await lastAnswer(page).locator('.text').textContent();
    expect(await lastAnswer(page).getByText('Cached', { exact: true }).count()).toBe(0);
    const spent = await settledUsage(page);
    expect(spent).toBeGreaterThan(0);

    await page.getByRole('button', { name: 'New chat' }).click();
    await send(page, 'What is Hearth?');
    await expect.poll(() => lastAnswer(page).getByText('Cached', { exact: true }).isVisible()).toBe(true);
    expect(await lastAnswer(page).getAttribute('data-status')).toBe('complete');
    expect(await lastAnswer(page).locator('.text').textContent()).toBe(original);
    // The cached answer cost nothing.
    expect(await settledUsage(page)).toBe(spent);

    await lastAnswer(page).getByRole('button', { name: 'Regenerate fresh' }).click();
    // A fresh answer from the engine reports its speed; a cached one has none.
    await expect.poll(() => lastAnswer(page).locator('.meta').textContent()).toMatch(/\d+ tokens · [\d.]+ tok\/s/);
    expect(await lastAnswer(page).getByText('Cached', { exact: true }).count()).toBe(0);
    await expect.poll(() => settledUsage(page)).toBeGreaterThan(spent);

    // Clearing the cache: the same question goes to the model again.
    await meter(page).click();
    await limitsDialog(page).getByText(/^1 answer cached · \d+ KB$/).waitFor();
    await limitsDialog(page).getByRole('button', { name: 'Clear cache' }).click();
    await page.getByText('Cleared 1 cached answer.').waitFor();
    await limitsDialog(page).getByRole('button', { name: 'Close limits' }).click();
    await page.getByRole('button', { name: 'New chat' }).click();
    await send(page, 'What is Hearth?');
    await waitForStatus(page, 'complete');
    expect(await lastAnswer(page).getByText('Cached', { exact: true }).count()).toBe(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('two pages in one browser share the budget: what one spends, the other cannot', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const first = await openApp(browser, DEMO({ tps: 400 }), context);
    await waitForReady(first.page);
    // Room for about one and a half answers of the demo script.
    await setLimits(first.page, { 'Per day': '360' });

    const second = await openApp(browser, DEMO({ tps: 400 }), context);
    await second.page.getByRole('heading', { name: 'Hearth is using the GPU in another tab' }).waitFor({ timeout: 20_000 });
    await expect.poll(() => meter(second.page).getAttribute('aria-label')).toBe('Limits: 0 / 360 tokens used today');

    await send(first.page, 'Spend some tokens');
    await waitForStatus(first.page, 'complete');
    const spentFirst = await settledUsage(first.page);
    expect(spentFirst).toBeGreaterThan(0);
    // The other page sees it at once, without a reload.
    await expect.poll(() => usedToday(second.page)).toBe(spentFirst);

    await second.page.getByRole('button', { name: 'Use it here' }).click();
    await waitForReady(second.page);
    await send(second.page, 'Spend the rest');
    // The answer stopped where the shared budget ran out, kept what arrived, and says why.
    await expect.poll(() => lastAnswer(second.page).locator('.meta').textContent()).toContain('Stopped: today’s token budget is used up');
    expect(await lastAnswer(second.page).getAttribute('data-status')).toBe('complete');
    expect(((await lastAnswer(second.page).locator('.text').textContent()) ?? '').length).toBeGreaterThan(10);
    const spentBoth = await settledUsage(second.page);
    expect(spentBoth).toBeGreaterThan(spentFirst);
    expect(spentBoth).toBeLessThanOrEqual(360);
    await expect.poll(() => usedToday(first.page)).toBe(spentBoth);

    await send(second.page, 'And more');
    const notice = second.page.getByRole('alert').filter({ hasText: 'token budget' });
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/Today’s token budget \(360\) is used up: \d+ left; .* Budgets reset at midnight, in \d+ h \d+ min\./);
    expect([...first.errors, ...second.errors]).toEqual([]);
    await context.close();
  });
});
