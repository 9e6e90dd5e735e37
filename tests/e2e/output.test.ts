/** What an answer looks like and what can be done with it: code blocks, JSON trees, copying. */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lastAnswer, launchBrowser, openApp, send, waitForReady, waitForStatus } from './support';

/** Generous: these machines are shared, and a lazy chunk or a paint may wait behind other work. */
const EVENTUALLY = { timeout: 15_000 };

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const FAST = '?engine=scripted&load=100&ttft=0';

/** Opens the app with replies from the URL; everything the app copies is recorded on its way to the real clipboard. */
async function appWithReplies(replies: string[], extra = '&tps=600'): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await context.addInitScript(() => {
    const copied: string[] = [];
    (window as unknown as { __copied: string[] }).__copied = copied;
    const clipboard = navigator.clipboard;
    const write = clipboard.writeText.bind(clipboard);
    clipboard.writeText = (text: string) => {
      copied.push(text);
      return write(text);
    };
  });
  // Commas stay readable: they are legal in a query, and big JSON replies must fit in a request line.
  const query = `${FAST}${replies.map((reply) => `&reply=${encodeURIComponent(reply).replaceAll('%2C', ',')}`).join('')}${extra}`;
  const { page, errors } = await openApp(browser, query, context);
  await waitForReady(page);
  return { page, errors };
}

const lastCopied = (page: Page): Promise<string | undefined> => page.evaluate(() => (window as unknown as { __copied: string[] }).__copied.at(-1));

async function useJsonMode(page: Page, choice: 'JSON: any JSON object' | 'Free text (Markdown)'): Promise<void> {
  await page.getByRole('button', { name: /^JSON mode is (on|off)/ }).click();
  await page.getByLabel(choice).check();
  await page.getByRole('button', { name: 'Apply' }).click();
}

const CODE = 'interface User {\n  name: string;\n}\n\nexport const greet = (user: User): string => `Hi ${user.name}`;';

describe('code blocks', () => {
  test('are labelled, highlighted once their language loads, and Copy copies exactly the code', async () => {
    const { page, errors } = await appWithReplies([`Here you go:\n\n\`\`\`ts\n${CODE}\n\`\`\`\n\nAnd \`inline\` code.`]);
    await send(page, 'Some code please');
    await waitForStatus(page, 'complete');
    const block = lastAnswer(page).locator('.code-block');
    expect(await block.locator('.code-language').textContent()).toBe('ts');
    await expect.poll(() => block.locator('code.hljs .hljs-keyword').first().textContent(), EVENTUALLY).toBe('interface');
    expect(await lastAnswer(page).locator('p code').textContent()).toBe('inline');

    await block.getByRole('button', { name: 'Copy code' }).click();
    await expect.poll(() => lastCopied(page), EVENTUALLY).toBe(CODE);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Copied' }).count(), EVENTUALLY).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('tables and task lists render; a JSON block can be shown as a tree; an invalid one says where it breaks', async () => {
    const reply = [
      '| Name | Score |',
      '|---|---|',
      '| Ada | 3 |',
      '',
      '- [x] done',
      '- [ ] to do',
      '',
      '```json',
      '{"items": [{"name": "first"}, {"name": "second", "tags": ["a", "b"]}], "total": 2}',
      '```',
      '',
      '```json',
      '{"items": [1, 2,, 3]}',
      '```',
    ].join('\n');
    const { page, errors } = await appWithReplies([reply]);
    await send(page, 'Mixed');
    await waitForStatus(page, 'complete');
    const answer = lastAnswer(page);
    expect(await answer.locator('table td').allTextContents()).toEqual(['Ada', '3']);
    expect(await answer.locator('input[type="checkbox"]').evaluateAll((boxes) => boxes.map((box) => (box as HTMLInputElement).checked))).toEqual([true, false]);

    const [valid, invalid] = await answer.locator('.code-block').all();
    await valid!.getByRole('button', { name: 'Show as a tree' }).click();
    await valid!.getByRole('button', { name: 'Expand all' }).click();
    await expect.poll(() => valid!.locator('[data-path="$.items[1].tags[0]"] .value').textContent(), EVENTUALLY).toBe('"a"');
    expect(await valid!.locator('pre').isVisible()).toBe(false);
    await valid!.getByRole('button', { name: 'Copy path $.items[1].name' }).click();
    await expect.poll(() => lastCopied(page), EVENTUALLY).toBe('$.items[1].name');
    await valid!.getByRole('button', { name: 'Show as a tree' }).click();
    expect(await valid!.locator('pre').isVisible()).toBe(true);

    await invalid!.getByRole('button', { name: 'Show as a tree' }).click();
    const note = invalid!.getByRole('note');
    await expect.poll(() => note.textContent(), EVENTUALLY).toContain('Invalid JSON');
    expect(await note.textContent()).toContain("line 1, column 17: Unexpected ',': expected a value");
    expect(await invalid!.locator('mark').textContent()).toBe(',');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('large JSON', () => {
  test('a 1,500-item array opens at once: children render a page at a time', async () => {
    const items = Array.from({ length: 1_500 }, (_, index) => index % 10);
    const { page, errors } = await appWithReplies([`\`\`\`json\n${JSON.stringify({ items })}\n\`\`\``], '&tps=20000');
    await send(page, 'Big');
    await waitForStatus(page, 'complete');
    const block = lastAnswer(page).locator('.code-block');
    await block.getByRole('button', { name: 'Show as a tree' }).click();
    const tree = block.getByRole('list', { name: 'JSON tree' });
    await expect.poll(() => tree.getByRole('button', { name: 'Show 100 more of 1,500' }).isVisible(), EVENTUALLY).toBe(true);
    expect(await tree.locator('li.node').count()).toBe(1 + 1 + 100);
    await tree.getByRole('button', { name: 'Show 100 more of 1,500' }).click();
    await expect.poll(() => tree.locator('li.node').count(), EVENTUALLY).toBe(1 + 1 + 200);
    expect(await tree.locator('[data-path="$.items[199]"] .value').textContent()).toBe('9');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe('JSON mode', () => {
  test('answers become a collapsible tree with copy value and copy path; the mode belongs to the conversation', async () => {
    const { page, errors } = await appWithReplies(['A **Markdown** reply.']);
    expect(await page.getByRole('button', { name: 'JSON mode is off: change' }).isVisible()).toBe(true);
    await useJsonMode(page, 'JSON: any JSON object');
    await expect.poll(() => page.getByRole('button', { name: 'JSON mode is on: change' }).isVisible(), EVENTUALLY).toBe(true);

    await send(page, 'alpha beta gamma');
    await waitForStatus(page, 'complete');
    const answer = lastAnswer(page);
    const tree = answer.getByRole('list', { name: 'JSON tree' });
    await tree.waitFor();
    // Opened two levels deep at first: items is open, its entries are not.
    expect(await tree.locator('[data-path="$.items"] > .row .toggle').getAttribute('aria-expanded')).toBe('true');
    expect(await tree.locator('[data-path="$.items[2].name"]').count()).toBe(0);

    await answer.getByRole('button', { name: 'Expand all' }).click();
    const name = tree.locator('[data-path="$.items[2].name"]');
    await expect.poll(() => name.locator('.value').textContent(), EVENTUALLY).toBe('"gamma"');
    await name.hover();
    await name.getByRole('button', { name: 'Copy value of $.items[2].name' }).click();
    await expect.poll(() => lastCopied(page), EVENTUALLY).toBe('gamma');
    await name.getByRole('button', { name: 'Copy path $.items[2].name' }).click();
    await expect.poll(() => lastCopied(page), EVENTUALLY).toBe('$.items[2].name');
    await tree.locator('[data-path="$.summary"] > .row').getByRole('button', { name: 'Copy value of $.summary' }).click();
    await expect.poll(() => lastCopied(page), EVENTUALLY).toMatch(/^\{\n {2}"characters": 16,/);

    await answer.getByRole('button', { name: 'Collapse all' }).click();
    await expect.poll(() => tree.locator('[data-path="$.items[2].name"]').count(), EVENTUALLY).toBe(0);
    await tree.locator('[data-path="$.items"] > .row .toggle').click();
    await expect.poll(() => tree.locator('[data-path="$.items[2]"]').count(), EVENTUALLY).toBe(1);

    await answer.getByRole('button', { name: 'Raw' }).click();
    const raw = JSON.parse((await answer.locator('pre').textContent()) ?? '') as { input: string };
    expect(raw.input).toBe('alpha beta gamma');

    // The mode is stored with the conversation; a new conversation starts in free text.
    await page.reload();
    await waitForReady(page);
    await expect.poll(() => page.getByRole('button', { name: 'JSON mode is on: change' }).isVisible(), EVENTUALLY).toBe(true);
    await page.getByRole('button', { name: 'New chat' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'JSON mode is off: change' }).isVisible(), EVENTUALLY).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('a schema must be valid JSON Schema before it can be applied', async () => {
    const { page } = await appWithReplies(['unused']);
    await page.getByRole('button', { name: 'JSON mode is off: change' }).click();
    await page.getByLabel('JSON matching a schema').check();
    const schema = page.getByLabel('JSON Schema');
    await schema.fill('{"type": "object", "properties": {');
    await expect.poll(() => page.locator('#json-schema-check').textContent(), EVENTUALLY).toContain('Not valid JSON (line 1, column 35)');
    expect(await page.getByRole('button', { name: 'Apply' }).isDisabled()).toBe(true);
    await schema.fill('{"type": "object", "properties": {"name": {"type": "string"}}}');
    await expect.poll(() => page.locator('#json-schema-check').textContent(), EVENTUALLY).toContain('Valid schema');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'JSON mode is on with a schema: change' }).isVisible(), EVENTUALLY).toBe(true);
    await send(page, 'schema please');
    await waitForStatus(page, 'complete');
    await lastAnswer(page).getByRole('button', { name: 'Expand all' }).click();
    await expect.poll(() => lastAnswer(page).locator('[data-path="$.schemaProvided"] .value').textContent(), EVENTUALLY).toBe('true');
    await page.context().close();
  });

  test('a JSON answer cut off mid-stream shows the raw text and where parsing failed', async () => {
    const { page } = await appWithReplies(['unused'], '&tps=600&fail=generate:30:The GPU went away');
    await useJsonMode(page, 'JSON: any JSON object');
    await send(page, 'one two three');
    await waitForStatus(page, 'error');
    const answer = lastAnswer(page);
    const note = answer.getByRole('note');
    await expect.poll(() => note.textContent(), EVENTUALLY).toContain('Incomplete JSON');
    expect(await note.textContent()).toMatch(/line \d+, column \d+: The JSON ends/);
    expect(await answer.locator('.json-view pre').textContent()).toMatch(/^\{\n {2}"engine": "hearth-scripted-demo"/);
    expect(await answer.getByRole('alert').textContent()).toContain('The GPU went away');
    await page.context().close();
  });
});

describe('message actions', () => {
  test('copy as Markdown, copy as plain text, and show the Markdown source', async () => {
    const reply = '# Plan\n\nDo **this** and `that`:\n\n- [x] first\n- second';
    const { page } = await appWithReplies([reply]);
    await send(page, 'Plan it');
    await waitForStatus(page, 'complete');
    const answer = lastAnswer(page);
    expect(await answer.locator('.meta').textContent()).toMatch(/\d+ tokens · [\d.]+ tok\/s/);

    await answer.getByRole('button', { name: 'Copy as Markdown' }).click();
    await expect.poll(() => lastCopied(page), EVENTUALLY).toBe(reply);
    await answer.getByRole('button', { name: 'Copy as plain text' }).click();
    await expect.poll(() => lastCopied(page), EVENTUALLY).toBe('Plan\n\nDo this and that:\n\n- [x] first\n- second');

    const toggle = answer.getByRole('button', { name: 'Show Markdown source' });
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await answer.locator('pre.source').textContent()).toBe(reply);
    await toggle.click();
    await expect.poll(() => answer.locator('h1').textContent(), EVENTUALLY).toBe('Plan');
    await page.context().close();
  });
});
