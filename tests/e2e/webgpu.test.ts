import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, test } from 'vitest';
import { launchBrowser, openApp, send, waitForReady, waitForStatus } from './support';

const browsers: Browser[] = [];

afterAll(async () => {
  await Promise.all(browsers.map((browser) => browser.close()));
});

describe('the WebLLM engine in a real browser', () => {
  test('without a WebGPU adapter: a clear message, GGUF models offered for the CPU, and the demo engine', async () => {
    const browser = await launchBrowser({ webgpu: false });
    browsers.push(browser);
    const { page, errors } = await openApp(browser);
    const notice = page.getByRole('region', { name: 'WebGPU is not available in this browser' });
    await notice.waitFor();
    expect(await notice.textContent()).toContain('no graphics adapter');
    expect(await notice.textContent()).toContain('GGUF models still run here, on the CPU');
    expect(await page.locator('#composer-input').isDisabled()).toBe(true);
    // The suggested model is a small GGUF: it runs without WebGPU.
    expect(await page.getByRole('button', { name: /^Load .*\.gguf$/ }).count()).toBe(1);

    await page.locator('header button.model').click();
    const dialog = page.getByRole('dialog', { name: 'Models' });
    await dialog.locator('li.row').first().waitFor();
    expect(await dialog.locator('li.row').first().textContent()).toContain('GGUF');
    await dialog.getByRole('checkbox', { name: 'Fits this device' }).uncheck();
    expect(await dialog.locator('li.row[data-model="Llama-3.2-1B-Instruct-q4f32_1-MLC"]').textContent()).toContain('Needs WebGPU');
    await dialog.getByRole('button', { name: 'Close models' }).click();

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
    // SwiftShader offers no 16-bit shaders, so the suggested default is the f32 build.
    const load = page.getByRole('button', { name: 'Load Llama-3.2-1B-Instruct-q4f32_1-MLC' });
    await load.waitFor({ timeout: 20_000 });
    expect(await page.getByText('Demo engine', { exact: true }).count()).toBe(0);
    expect(await page.locator('#composer-input').getAttribute('placeholder')).toBe('Load a model to start chatting');

    // The real catalog, fitted to the real (emulated) adapter.
    await page.getByRole('button', { name: 'Browse models…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Models' });
    await dialog.locator('li.row').first().waitFor();
    expect(await dialog.textContent()).toContain('16-bit shaders no');
    await dialog.getByRole('checkbox', { name: 'Fits this device' }).uncheck();
    const f16Row = dialog.locator('li.row[data-model="Llama-3.2-1B-Instruct-q4f16_1-MLC"]');
    expect(await f16Row.textContent()).toContain('Won’t fit');
    expect(await f16Row.textContent()).toContain('shader-f16');
    await dialog.getByRole('button', { name: 'Close models' }).click();

    // These machines cannot reach Hugging Face: the real WebLLM worker tries, and fails cleanly.
    await load.click();
    const failure = page.getByRole('alert').filter({ hasText: 'The model did not load' });
    await failure.waitFor({ timeout: 45_000 });
    expect(await failure.getByRole('button', { name: 'Retry' }).isVisible()).toBe(true);
    expect(errors.filter((error) => error.startsWith('pageerror'))).toEqual([]);
  });
});
