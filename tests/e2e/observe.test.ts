import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO, answers, lastAnswer, launchBrowser, openApp, waitForReady, waitForStatus } from './support';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const panel = (page: Page) => page.getByRole('complementary', { name: 'Studio' });
const insights = (page: Page) => page.getByRole('dialog', { name: 'Insights' });

async function openTemplates(page: Page): Promise<void> {
  if ((await panel(page).count()) === 0) await page.getByRole('button', { name: 'Open settings, personas and templates' }).click();
  await panel(page).getByRole('tab', { name: 'Templates' }).click();
}

async function sendFromTemplate(page: Page, topic: string): Promise<void> {
  await openTemplates(page);
  const form = panel(page).getByRole('form', { name: 'Fill in Explain' });
  // Saving a template opens its form; otherwise the list offers it.
  if ((await form.count()) === 0) await panel(page).getByRole('button', { name: 'Use Explain' }).click();
  await form.getByRole('textbox', { name: 'topic' }).fill(topic);
  const before = await answers(page).count();
  await form.getByRole('button', { name: 'Send' }).click();
  await expect.poll(() => answers(page).count()).toBe(before + 1);
  await waitForStatus(page, 'complete');
}

async function download(page: Page, button: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([page.waitForEvent('download'), insights(page).getByRole('button', { name: button }).click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: await readFile(path, 'utf8') };
}

/** The leaderboard's rows as the user reads them: column header → cell text. */
async function boardRows(page: Page): Promise<Array<Record<string, string>>> {
  const table = insights(page).getByRole('table');
  const headers = (await table.locator('thead th').allTextContents()).map((text) => text.trim());
  const rows = await table.locator('tbody tr').all();
  return Promise.all(
    rows.map(async (row) => {
      const cells = (await row.locator('td').allTextContents()).map((text) => text.trim());
      return Object.fromEntries(headers.map((header, index) => [header, cells[index] ?? '']));
    }),
  );
}

describe('observability', () => {
  test('two template versions, feedback, a leaderboard with a row per version, a trace per answer, exports', async () => {
    const { page, errors } = await openApp(browser, DEMO({ tps: 400 }));
    await waitForReady(page);

    // Version 1 of a template, used once.
    await openTemplates(page);
    await panel(page).getByRole('button', { name: 'New template' }).click();
    const editor = panel(page).getByRole('form', { name: 'New template' });
    await editor.getByRole('textbox', { name: 'Name', exact: true }).fill('Explain');
    await editor.getByRole('textbox', { name: 'Template', exact: true }).fill('Explain {{topic}} simply.');
    await editor.getByRole('button', { name: 'Save' }).click();
    await sendFromTemplate(page, 'tides');
    await lastAnswer(page).getByRole('button', { name: 'Good answer' }).click();

    // Version 2, used twice: one thumbs down with a comment, one not rated.
    await panel(page).getByRole('button', { name: 'Edit Explain' }).click();
    await panel(page).getByRole('textbox', { name: 'Template', exact: true }).fill('Explain {{topic}} to a ten-year-old.');
    await panel(page).getByRole('button', { name: 'Save' }).click();
    await panel(page).getByRole('button', { name: 'Cancel' }).click();
    await sendFromTemplate(page, 'rainbows');
    await sendFromTemplate(page, 'volcanoes');
    expect(await answers(page).count()).toBe(3);
    const second = answers(page).nth(1);
    await second.getByRole('button', { name: 'Bad answer' }).click();
    await second.getByRole('button', { name: 'Add a comment' }).click();
    await second.getByRole('textbox', { name: 'Feedback comment' }).fill('Too long for a child');
    await second.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => second.getByRole('button', { name: 'Edit feedback comment' }).count()).toBe(1);
    await expect.poll(() => second.getByRole('button', { name: 'Bad answer' }).getAttribute('aria-pressed')).toBe('true');

    // Each answer has its trace in the inspector: spans and the settings it ran with.
    await lastAnswer(page).getByRole('button', { name: 'Inspect prompt' }).click();
    const trace = panel(page).getByRole('region', { name: 'Trace of this answer' });
    await expect.poll(() => trace.getByRole('list', { name: 'Spans' }).textContent()).toContain('decode');
    expect(await trace.getByRole('list', { name: 'Spans' }).textContent()).toMatch(/retrieval.*context\.fit.*prompt\.render.*prefill.*decode/s);
    expect(await trace.textContent()).toContain('Explain volcanoes to a ten-year-old.');
    expect(await trace.textContent()).toMatch(/temperature 0\.7 · top-p 0\.95/);

    // The leaderboard: one row per template version with the right counts.
    await page.getByRole('button', { name: 'Insights: traces, feedback and leaderboard' }).click();
    await expect.poll(async () => (await boardRows(page)).length).toBe(2);
    const rows = await boardRows(page);
    const byTemplate = Object.fromEntries(rows.map((row) => [row['Template'], row]));
    expect(Object.keys(byTemplate).sort()).toEqual(['Explain v1', 'Explain v2']);
    expect(byTemplate['Explain v1']).toMatchObject({ Answers: '1', Rated: '1', Feedback: '100% 👍', Model: 'hearth-scripted-demo' });
    expect(byTemplate['Explain v2']).toMatchObject({ Answers: '2', Rated: '1', Feedback: '0% 👍' });
    // The background evaluators scored every answer.
    expect(byTemplate['Explain v2']?.['No PII']).toMatch(/%$/);

    // Sorting, and the click through to a row's traces.
    const answersHeader = insights(page).getByRole('columnheader', { name: /^Answers/ });
    expect(await answersHeader.getAttribute('aria-sort')).toBe('descending');
    expect((await boardRows(page)).map((row) => row['Template'])).toEqual(['Explain v2', 'Explain v1']);
    await answersHeader.getByRole('button').click();
    expect(await answersHeader.getAttribute('aria-sort')).toBe('ascending');
    expect((await boardRows(page)).map((row) => row['Template'])).toEqual(['Explain v1', 'Explain v2']);
    await insights(page).getByRole('button', { name: 'Show the 2 traces of this row' }).click();
    const list = insights(page).getByRole('list', { name: 'Trace list' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(2);
    expect(await list.textContent()).toContain('👎');
    await list.getByRole('button').filter({ hasText: 'rainbows' }).click();
    await expect.poll(() => insights(page).getByLabel('Trace', { exact: true }).textContent()).toContain('Too long for a child');

    // Search across all traces.
    await insights(page).getByRole('button', { name: 'Show all' }).click();
    await insights(page).getByRole('searchbox', { name: 'Search traces' }).fill('tides');
    await insights(page).getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);

    // Exports: Hearth JSON (re-importable) and OTLP/JSON.
    const json = await download(page, 'Export JSON');
    expect(json.name).toMatch(/^hearth-traces-\d{4}-\d\d-\d\d\.json$/);
    const exported = JSON.parse(json.text) as { traces: Array<{ feedback?: { rating: string } }> };
    expect(exported.traces).toHaveLength(3);
    expect(exported.traces.filter((item) => item.feedback).map((item) => item.feedback?.rating).sort()).toEqual(['down', 'up']);
    const otlp = await download(page, 'Export OTLP');
    const parsed = JSON.parse(otlp.text) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string; traceId: string }> }> }> };
    const spans = parsed.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(3);
    expect(spans.map((span) => span.name)).toContain('decode');

    // Importing the export into an empty browser brings the leaderboard back.
    const fresh = await openApp(browser, DEMO());
    await waitForReady(fresh.page);
    await fresh.page.getByRole('button', { name: 'Insights: traces, feedback and leaderboard' }).click();
    await insights(fresh.page).getByLabel('Import traces').setInputFiles({ name: json.name, mimeType: 'application/json', buffer: Buffer.from(json.text) });
    await expect.poll(() => fresh.page.locator('.toast').allTextContents()).toContainEqual(expect.stringContaining('3 traces imported'));
    await expect.poll(async () => (await boardRows(fresh.page)).length).toBe(2);

    // A file that is not an export is refused, and nothing changes.
    await insights(fresh.page).getByLabel('Import traces').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"traces": 1}') });
    await expect.poll(() => fresh.page.locator('.toast').allTextContents()).toContainEqual(expect.stringContaining('Nothing was imported'));
    expect((await boardRows(fresh.page)).length).toBe(2);

    expect(errors).toEqual([]);
    expect(fresh.errors).toEqual([]);
    await fresh.context.close();
    await page.context().close();
  });
});
