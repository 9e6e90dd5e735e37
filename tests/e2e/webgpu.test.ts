import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import { launchBrowser, openApp, send, waitForReady, waitForStatus } from './support';

const browsers: Browser[] = [];

afterAll(async () => {
  await Promise.all(browsers.map((browser) => browser.close()));
});

describe('the WebLLM engine in a real browser', () => {
  test('without a WebGPU adapter: a clear message, a disabled composer, and the demo engine on offer', async () => {
    const browser = await launchBrowser({ webgpu: false });
    browsers.push(browser);
    const { page, errors } = await openApp(browser);
    const notice = page.getByRole('region', { name: 'This browser can’t run a local model' });
    await notice.waitFor();
    expect(await notice.textContent()).toContain('no graphics adapter');
    expect(await page.locator('#composer-input').isDisabled()).toBe(true);
    expect(await page.locator('#composer-input').getAttribute('placeholder')).toContain('demo engine');

    await notice.getByRole('button', { name: 'Try the demo engine' }).click();
    await waitForReady(page);
    expect(await page.getByText('Demo engine', { exact: true }).isVisible()).toBe(true);
    await send(page, 'Does the demo work?');
    await waitForStatus(page, 'complete');

    // The choice is remembered for the next visit.
    await page.reload();
    await waitForReady(page);
    expect(await page.getByText('Demo engine', { exact: true }).isVisible()).toBe(true);
    expect(errors).toEqual([]);
  });

  test('with a real (CPU-emulated) WebGPU adapter: WebLLM is offered, and an unreachable model fails with a clear message', async () => {
    const browser = await launchBrowser({ webgpu: true });
    browsers.push(browser);
    const { page, errors } = await openApp(browser);
    const load = page.getByRole('button', { name: /^Load / });
    await load.waitFor({ timeout: 20_000 });
    expect(await page.getByText('Demo engine', { exact: true }).count()).toBe(0);
    expect(await page.locator('#composer-input').getAttribute('placeholder')).toBe('Load a model to start chatting');

    // These machines cannot reach Hugging Face: the real WebLLM worker tries, and fails cleanly.
    await load.click();
    const failure = page.getByText(/^Model failed:/);
    await failure.waitFor({ timeout: 45_000 });
    expect(await page.getByRole('button', { name: 'Retry' }).isVisible()).toBe(true);
    expect(errors.filter((error) => error.startsWith('pageerror'))).toEqual([]);
  });
});
