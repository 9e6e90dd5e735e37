import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO, lastAnswer, launchBrowser, openApp, send, waitForReady, waitForStatus } from './support';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** A 1×1 red PNG: a real image for the avatar upload. */
const RED_PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const panel = (page: Page) => page.getByRole('complementary', { name: 'Studio' });

async function openStudio(page: Page, tab: 'Settings' | 'Personas' | 'Templates' | 'Inspector'): Promise<void> {
  if ((await panel(page).count()) === 0) await page.getByRole('button', { name: 'Open settings, personas and templates' }).click();
  await panel(page).getByRole('tab', { name: tab }).click();
}

describe('prompt engineering', () => {
  test('personas with an emoji and an uploaded image, a typed template, the inspector, versions, all kept after a reload', async () => {
    const { page, errors } = await openApp(browser, DEMO({ tps: 300 }));
    await waitForReady(page);

    // A persona with an emoji avatar…
    await openStudio(page, 'Personas');
    await panel(page).getByRole('button', { name: 'New persona' }).click();
    let editor = panel(page).getByRole('form', { name: 'New persona' });
    await editor.getByRole('textbox', { name: 'Name', exact: true }).fill('Pirate');
    await editor.getByRole('textbox', { name: 'Avatar emoji' }).fill('🏴‍☠️');
    await editor.getByRole('textbox', { name: 'System prompt' }).fill('Answer like a friendly pirate.');
    await editor.getByRole('button', { name: 'Save persona' }).click();
    await expect.poll(() => panel(page).getByRole('listitem').filter({ hasText: 'Pirate' }).textContent()).toContain('this chat');

    // …and one with an uploaded image, resized in the browser.
    await panel(page).getByRole('button', { name: 'New persona' }).click();
    editor = panel(page).getByRole('form', { name: 'New persona' });
    await editor.getByRole('textbox', { name: 'Name', exact: true }).fill('Painter');
    await editor.getByLabel('Avatar image').setInputFiles({ name: 'red.png', mimeType: 'image/png', buffer: RED_PIXEL });
    await expect.poll(() => editor.locator('.preview img').getAttribute('src')).toMatch(/^data:image\/(webp|png);base64,/);
    await editor.getByRole('button', { name: 'Save persona' }).click();
    const painterRow = panel(page).getByRole('listitem').filter({ hasText: 'Painter' });
    await expect.poll(() => painterRow.locator('img').count()).toBe(1);

    // Use the emoji persona in this chat.
    await panel(page).getByRole('button', { name: 'Use Pirate in this chat' }).click();

    // A template with three typed variables.
    await openStudio(page, 'Templates');
    await panel(page).getByRole('button', { name: 'New template' }).click();
    const templateForm = panel(page).getByRole('form', { name: 'New template' });
    await templateForm.getByRole('textbox', { name: 'Name', exact: true }).fill('Tips');
    const body = templateForm.getByRole('textbox', { name: 'Template', exact: true });
    await body.fill('Write {{count:number}} {{tone:select:formal|casual}} tips about {{topic}');
    expect(await templateForm.getByRole('alert').textContent()).toMatch(/not closed/);
    await body.fill('Write {{count:number}} {{tone:select:formal|casual}} tips about {{topic:multiline}}.');
    expect(await templateForm.textContent()).toContain('count (number), tone (select), topic (multiline)');
    await templateForm.getByRole('button', { name: 'Save' }).click();

    // Its form: validation, then send.
    const fill = panel(page).getByRole('form', { name: 'Fill in Tips' });
    await fill.getByRole('button', { name: 'Send' }).click();
    expect(await fill.getByRole('alert').allTextContents()).toEqual(['Fill in “count”.', 'Fill in “topic”.']);
    await fill.getByRole('spinbutton', { name: 'count' }).fill('3');
    await fill.getByRole('combobox', { name: 'tone' }).selectOption('casual');
    await fill.getByRole('textbox', { name: 'topic' }).fill('brewing tea');
    await fill.getByRole('button', { name: 'Send' }).click();
    await waitForStatus(page, 'complete');
    expect(await page.locator('article.message.user').last().textContent()).toContain('Write 3 casual tips about brewing tea.');
    expect(await page.locator('article.message.user').last().textContent()).toContain('Tips · v1');
    expect(await lastAnswer(page).locator('.name').textContent()).toContain('Pirate');

    // The inspector shows exactly what was sent.
    await lastAnswer(page).getByRole('button', { name: 'Inspect prompt' }).click();
    const inspector = panel(page).getByLabel('Prompt inspector');
    await expect.poll(() => inspector.textContent()).toContain('Answer like a friendly pirate.');
    expect(await inspector.textContent()).toContain('Write 3 casual tips about brewing tea.');
    expect(await inspector.textContent()).toMatch(/Template\s*Tips · v1/);
    expect(await inspector.textContent()).toMatch(/temperature 0\.7 · top-p 0\.95/);

    // Edit the template (version 2), look at the diff, then revert (version 3 = version 1).
    await openStudio(page, 'Templates');
    await panel(page).getByRole('button', { name: 'Edit Tips' }).click();
    await panel(page).getByRole('textbox', { name: 'Template', exact: true }).fill('Give {{count:number}} {{tone:select:formal|casual}} hints about {{topic:multiline}}.');
    await panel(page).getByRole('button', { name: 'Save' }).click();
    await panel(page).getByRole('button', { name: 'Cancel' }).click();
    await panel(page).getByRole('button', { name: 'History of Tips' }).click();
    const diff = panel(page).getByLabel('Differences');
    expect(await diff.textContent()).toContain('− Write {{count:number}}');
    expect(await diff.textContent()).toContain('+ Give {{count:number}}');
    await panel(page).getByRole('button', { name: 'Revert to version 1' }).click();
    await expect.poll(() => panel(page).getByRole('list', { name: 'Versions' }).textContent()).toContain('Reverted to version 1');

    // Everything survives a reload.
    await page.reload();
    await waitForReady(page);
    await openStudio(page, 'Templates');
    expect(await panel(page).getByRole('listitem').filter({ hasText: 'Tips' }).textContent()).toContain('v3');
    await panel(page).getByRole('button', { name: 'Use Tips' }).click();
    expect(await panel(page).getByRole('form', { name: 'Fill in Tips' }).textContent()).toContain('v3');
    await openStudio(page, 'Personas');
    expect(await panel(page).getByRole('listitem').filter({ hasText: 'Pirate' }).textContent()).toContain('this chat');
    expect(await panel(page).getByRole('listitem').filter({ hasText: 'Painter' }).locator('img').count()).toBe(1);
    expect(await lastAnswer(page).locator('.name').textContent()).toContain('Pirate');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('settings: per-chat overrides, clamping with a reason, and reset', async () => {
    const { page } = await openApp(browser, DEMO({ tps: 300 }));
    await waitForReady(page);
    await openStudio(page, 'Settings');
    const temperature = panel(page).getByRole('spinbutton', { name: 'Temperature' });
    await temperature.fill('5');
    await temperature.press('Tab');
    await expect.poll(() => panel(page).getByRole('status').first().textContent()).toBe('Allowed range is 0 to 2; set to 2.');
    expect(await temperature.inputValue()).toBe('2');
    const maxTokens = panel(page).getByRole('spinbutton', { name: 'Max tokens' });
    await maxTokens.fill('99999');
    await maxTokens.press('Tab');
    await expect.poll(() => panel(page).textContent()).toContain("The model's context window holds 4096 tokens; set to 4096.");

    await send(page, 'hello');
    await waitForStatus(page, 'complete');
    await lastAnswer(page).getByRole('button', { name: 'Inspect prompt' }).click();
    await expect.poll(() => panel(page).getByLabel('Prompt inspector').textContent()).toMatch(/temperature 2 · .* max tokens 1024/);

    // A new chat follows the defaults, not the other chat's overrides.
    await page.getByRole('button', { name: 'New chat' }).click();
    await openStudio(page, 'Settings');
    expect(await panel(page).getByRole('spinbutton', { name: 'Temperature' }).inputValue()).toBe('0.7');
    await page.context().close();
  });

  test('templates and personas export and import; a broken file writes nothing', async () => {
    const { page } = await openApp(browser, DEMO());
    await waitForReady(page);
    await openStudio(page, 'Templates');
    const importInput = panel(page).getByLabel('Import templates and personas');
    await importInput.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "hearth-prompts", "vers') });
    await page.getByText('Nothing was imported: This file is not valid JSON', { exact: false }).waitFor();

    const file = {
      format: 'hearth-prompts',
      version: 1,
      exportedAt: new Date(0).toISOString(),
      templates: [{ id: 't1', name: 'Imported', createdAt: 1, updatedAt: 1, versions: [{ version: 1, body: 'Hi {{name}}', createdAt: 1 }] }],
      personas: [{ id: 'p1', name: 'Owl', avatar: { kind: 'emoji', emoji: '🦉' }, hue: 40, systemPrompt: 'Be wise.', sampling: {}, createdAt: 1, updatedAt: 1 }],
    };
    await importInput.setInputFiles({ name: 'ok.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
    await page.getByText('Imported 1 template and 1 persona.').waitFor();
    expect(await panel(page).getByRole('list', { name: 'Templates' }).textContent()).toContain('Imported');
    await openStudio(page, 'Personas');
    expect(await panel(page).getByRole('list', { name: 'Personas' }).textContent()).toContain('Owl');

    const download = page.waitForEvent('download');
    await panel(page).getByRole('button', { name: 'Export' }).click();
    const exported = JSON.parse(await (await (await download).createReadStream()).toArray().then((chunks) => Buffer.concat(chunks).toString('utf8')));
    expect(exported.templates.map((template: { name: string }) => template.name)).toEqual(['Imported']);
    expect(exported.personas.map((persona: { name: string }) => persona.name)).toEqual(['Owl']);
    await page.context().close();
  });
});
