/**
 * Chatting with your own files, through the app: attach a Markdown file and a PDF made here,
 * ask, see the cited passages, open one, reload and find the index still there.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTinyPdf } from '../fixtures/tiny-pdf';
import { DEMO, lastAnswer, launchBrowser, openApp, send, waitForReady, waitForStatus } from './support';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const MARKDOWN = `# Kettle care

## Descaling

Fill the kettle with equal parts white vinegar and water, boil it, and let it stand for an hour.
Rinse twice with fresh water before you make tea again.

## Filters

The mesh filter lifts out of the spout and can be washed under the tap.
`;

const PDF = makeTinyPdf({
  pages: [
    ['Warranty card', 'The kettle warranty lasts two years from the date of purchase.', 'Keep the receipt for any warranty claim.'],
    ['Safety', 'Never immerse the base in water.'],
  ],
});

const attachments = (page: Page) => page.getByRole('region', { name: 'Documents for this chat' });

async function attach(page: Page): Promise<void> {
  await page.getByLabel('Documents to attach').setInputFiles([
    { name: 'kettle-care.md', mimeType: 'text/markdown', buffer: Buffer.from(MARKDOWN) },
    { name: 'warranty.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF) },
  ]);
  await expect.poll(() => attachments(page).getByRole('listitem').allTextContents(), { timeout: 30_000 }).toEqual([
    expect.stringContaining('kettle-care.md'),
    expect.stringContaining('warranty.pdf'),
  ]);
}

describe('local RAG', () => {
  test('attach a Markdown file and a PDF, ask, see cited passages, open one, and find the index after a reload', async () => {
    const reply = 'Descale it with white vinegar and water [1]. The warranty lasts two years [2].';
    const { page, errors } = await openApp(browser, DEMO({ tps: 300, reply }));
    await waitForReady(page);
    await attach(page);

    await send(page, 'How do I descale the kettle with vinegar, and how many years does the warranty last?');
    await waitForStatus(page, 'complete');
    const sources = lastAnswer(page).getByRole('list', { name: 'Sources' });
    const names = (await sources.getByRole('listitem').allTextContents()).join(' ');
    expect(names).toContain('kettle-care.md');
    expect(names).toContain('warranty.pdf');
    expect(names).toMatch(/warranty\.pdf · p\. 1/);

    // The citation in the text opens the passage, highlighted in its document.
    const warrantyLabel = Number(/\[(\d)\]\s*warranty\.pdf/.exec(names)?.[1]);
    await lastAnswer(page).getByRole('button', { name: `Source ${warrantyLabel}` }).first().click();
    const dialog = page.getByRole('dialog', { name: /warranty\.pdf/ });
    await dialog.waitFor();
    expect(await dialog.getByLabel('Cited passage').textContent()).toContain('two years');
    await dialog.getByRole('button', { name: 'Close source' }).click();

    // The prompt inspector lists the passages, with their labels, and what went into the prompt.
    await lastAnswer(page).getByRole('button', { name: 'Inspect prompt' }).click();
    const passages = page.getByRole('list', { name: 'Retrieved passages' });
    await expect.poll(() => passages.textContent()).toContain('in the prompt');
    expect(await page.getByRole('list', { name: 'Messages sent' }).textContent()).toContain('Fill the kettle with equal parts white vinegar');

    // Switch a passage off: the next answer is asked without it.
    for (const box of await passages.getByRole('checkbox', { name: /warranty\.pdf/ }).all()) await box.uncheck();
    await page.getByRole('button', { name: 'Regenerate with these passages' }).click();
    await waitForStatus(page, 'complete');
    await lastAnswer(page).getByRole('button', { name: 'Inspect prompt' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Retrieved passages' }).textContent()).toContain('switched off');
    expect(await page.getByRole('list', { name: 'Messages sent' }).textContent()).not.toContain('The kettle warranty lasts two years');

    // Reload: the documents and their index are still there; a new question finds them again.
    await page.reload();
    await waitForReady(page);
    await expect.poll(() => attachments(page).getByRole('listitem').count()).toBe(2);
    await send(page, 'What about the mesh filter in the spout?');
    await waitForStatus(page, 'complete');
    await lastAnswer(page).getByRole('button', { name: 'Inspect prompt' }).click();
    await expect.poll(() => page.getByLabel('Prompt inspector').textContent()).toContain('The mesh filter lifts out of the spout');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('bad files are refused with a reason, and nothing half-indexed is left', async () => {
    const { page } = await openApp(browser, DEMO());
    await waitForReady(page);
    await page.getByLabel('Documents to attach').setInputFiles([
      { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]) },
      { name: 'scan.pdf', mimeType: 'application/pdf', buffer: Buffer.from(makeTinyPdf({ pages: [[]] })) },
      { name: 'locked.pdf', mimeType: 'application/pdf', buffer: Buffer.from(makeTinyPdf({ pages: [['secret']], encrypted: true })) },
      { name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) },
    ]);
    const problems = attachments(page).getByRole('alert');
    await problems.waitFor({ timeout: 30_000 });
    const text = (await problems.textContent()) ?? '';
    for (const name of ['photo.png', 'scan.pdf', 'locked.pdf', 'empty.txt']) expect(text).toContain(name);
    expect(await attachments(page).getByRole('list').first().getByRole('listitem').count()).toBe(0);
    await page.context().close();
  });
});
