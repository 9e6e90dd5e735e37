/**
 * Backups in Chromium: everything made in one browser comes back in a fresh one (empty
 * storage) through the "Your data" dialog, and files that are broken, of another version or
 * hostile are refused with a message while storage stays exactly as it was.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO, launchBrowser, openApp, send, setLimits, sidebarTitles, waitForReady, waitForStatus } from './support';

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

type Dump = Record<string, Array<{ key: IDBValidKey; value: unknown }>>;

/** Every record of every Hearth database, as stored. */
function dumpStorage(page: Page): Promise<Dump> {
  return page.evaluate(async () => {
    const out: Record<string, Array<{ key: IDBValidKey; value: unknown }>> = {};
    for (const { name } of await indexedDB.databases()) {
      if (!name?.startsWith('hearth-')) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const storeName of db.objectStoreNames) {
        const store = db.transaction(storeName).objectStore(storeName);
        const [keys, values] = await Promise.all(
          [store.getAllKeys(), store.getAll()].map((request) => new Promise<unknown[]>((resolve, reject) => {
            request.onsuccess = () => resolve(request.result as unknown[]);
            request.onerror = () => reject(request.error);
          })),
        );
        out[name] = (keys as IDBValidKey[]).map((key, index) => ({ key, value: values?.[index] }));
      }
      db.close();
    }
    return out;
  });
}

const panel = (page: Page) => page.getByRole('complementary', { name: 'Studio' });
const dataDialog = (page: Page) => page.getByRole('dialog', { name: 'Your data' });

async function openStudio(page: Page, tab: 'Personas' | 'Templates'): Promise<void> {
  if ((await panel(page).count()) === 0) await page.getByRole('button', { name: 'Open settings, personas and templates' }).click();
  await panel(page).getByRole('tab', { name: tab }).click();
}

async function openData(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Back up or restore…' }).click();
  await dataDialog(page).waitFor();
}

async function backUp(page: Page): Promise<{ name: string; text: string }> {
  await openData(page);
  const [file] = await Promise.all([page.waitForEvent('download'), dataDialog(page).getByRole('button', { name: 'Back up everything' }).click()]);
  return { name: file.suggestedFilename(), text: await readFile(await file.path(), 'utf8') };
}

async function chooseFile(page: Page, name: string, text: string): Promise<void> {
  await dataDialog(page).getByLabel('Backup file to restore').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

/**
 * A database's records as a user's data: without the list of recent conversations, which is
 * derived from the headers and written whenever a tab has read them all (storage/recent.ts).
 */
const records = (dump: Dump, database: string) =>
  (dump[database] ?? []).filter((record) => !(database === 'hearth-chats' && JSON.stringify(record.key) === '["recent"]'));

/** Hostile text sent as a chat message: it must come back as text and never run. */
const PAYLOAD = 'Tides <img src=x onerror="window.__pwned=1"> \u200fעברית\u200f 👩‍👩‍👧';

describe('backups', () => {
  test('everything made in one browser is restored into a fresh one, nothing missing', async () => {
    const { page, errors } = await openApp(browser, DEMO({ tps: 400 }));
    await waitForReady(page);
    // Changed limits (a setting of the guard) and room for several messages in a row.
    await setLimits(page, { 'Per minute': '', 'Per answer': '900' });

    // A persona, made the default for new chats (a changed setting).
    await openStudio(page, 'Personas');
    await panel(page).getByRole('button', { name: 'New persona' }).click();
    const editor = panel(page).getByRole('form', { name: 'New persona' });
    await editor.getByRole('textbox', { name: 'Name', exact: true }).fill('Owl');
    await editor.getByRole('textbox', { name: 'Avatar emoji' }).fill('🦉');
    await editor.getByRole('textbox', { name: 'System prompt' }).fill('Answer wisely.');
    await editor.getByRole('button', { name: 'Save persona' }).click();
    await panel(page).getByRole('button', { name: 'Make Owl the default' }).click();

    // A template with two versions.
    await openStudio(page, 'Templates');
    await panel(page).getByRole('button', { name: 'New template' }).click();
    const form = panel(page).getByRole('form', { name: 'New template' });
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill('Explain');
    await form.getByRole('textbox', { name: 'Template', exact: true }).fill('Explain {{topic}} simply.');
    await form.getByRole('button', { name: 'Save' }).click();
    await panel(page).getByRole('form', { name: 'Fill in Explain' }).getByRole('button', { name: 'Cancel' }).click();
    await panel(page).getByRole('button', { name: 'Edit Explain' }).click();
    await panel(page).getByRole('textbox', { name: 'Template', exact: true }).fill('Explain {{topic}} to a child.');
    await panel(page).getByRole('button', { name: 'Save' }).click();
    await panel(page).getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => panel(page).getByRole('list', { name: 'Templates' }).textContent()).toContain('v2');
    await page.getByRole('button', { name: 'Close the studio panel' }).click();

    // Two conversations, answered by the demo engine: each answer is traced.
    await page.getByRole('button', { name: 'New chat' }).click();
    await send(page, 'What causes tides?');
    await waitForStatus(page, 'complete');
    await send(page, PAYLOAD);
    await waitForStatus(page, 'complete');
    await page.getByRole('button', { name: 'New chat' }).click();
    await send(page, 'Second conversation');
    await waitForStatus(page, 'complete');
    await expect.poll(async () => records(await dumpStorage(page), 'hearth-traces').filter((record) => (record.key as string[])[0] === 'trace').length).toBe(3);

    const before = await dumpStorage(page);
    const titles = await sidebarTitles(page);
    expect(titles).toHaveLength(2);
    const backup = await backUp(page);
    expect(backup.name).toMatch(/^hearth-backup-\d{4}-\d{2}-\d{2}\.json$/);
    expect(JSON.parse(backup.text)).toMatchObject({ format: 'hearth-backup', version: 1, contents: 'everything' });
    await page.context().close();

    // A fresh browser: nothing stored.
    const fresh = await openApp(browser, DEMO({ tps: 400 }));
    await waitForReady(fresh.page);
    expect(await sidebarTitles(fresh.page)).toEqual([]);
    await openData(fresh.page);
    await chooseFile(fresh.page, backup.name, backup.text);
    const review = dataDialog(fresh.page).getByRole('region', { name: 'Backup to restore' });
    await review.waitFor();
    const reviewText = await review.textContent();
    expect(reviewText).toContain('2 conversations (6 messages)');
    expect(reviewText).toContain('1 template (2 versions)');
    expect(reviewText).toContain('1 persona');
    expect(reviewText).toContain('3 traces');
    expect(reviewText).toContain('Add 2 conversations');
    expect(reviewText).toContain('Restore the settings and limits');
    // Nothing is written before the confirmation.
    expect(records(await dumpStorage(fresh.page), 'hearth-chats')).toEqual([]);
    await review.getByRole('button', { name: 'Restore' }).click();
    await expect.poll(() => dataDialog(fresh.page).getByRole('status').textContent()).toMatch(/^Restored 2 conversations, 6 messages, 1 template, 1 persona, 3 traces\./);

    // The sidebar shows the restored conversations without a reload.
    await expect.poll(() => sidebarTitles(fresh.page)).toEqual(titles);
    await dataDialog(fresh.page).getByRole('button', { name: 'Close your data' }).click();

    // Storage holds every record the first browser had.
    const after = await dumpStorage(fresh.page);
    expect(records(after, 'hearth-chats')).toEqual(records(before, 'hearth-chats'));
    expect(records(after, 'hearth-prompts')).toEqual(records(before, 'hearth-prompts'));
    expect(records(after, 'hearth-traces')).toEqual(records(before, 'hearth-traces'));
    for (const setting of records(before, 'hearth-settings')) expect(records(after, 'hearth-settings')).toContainEqual(setting);
    expect(records(after, 'hearth-guard').find((record) => record.key === 'limits')).toEqual(records(before, 'hearth-guard').find((record) => record.key === 'limits'));

    // Templates and personas show without a reload too; the hostile message is inert text.
    await openStudio(fresh.page, 'Templates');
    expect(await panel(fresh.page).getByRole('list', { name: 'Templates' }).textContent()).toContain('v2');
    await openStudio(fresh.page, 'Personas');
    expect(await panel(fresh.page).getByRole('listitem').filter({ hasText: 'Owl' }).textContent()).toContain('default for new chats');
    await fresh.page.getByRole('button', { name: 'What causes tides?', exact: true }).click();
    await expect.poll(() => fresh.page.locator('article.message.user').last().textContent()).toContain('<img src=x onerror="window.__pwned=1">');
    expect(await fresh.page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect([...errors, ...fresh.errors]).toEqual([]);
    await fresh.context.close();
  });

  test('corrupt, truncated, wrong-version and hostile files are refused with a message, and storage is unchanged', async () => {
    // A real backup to break, from a browser with one conversation.
    const { page } = await openApp(browser, DEMO({ tps: 400 }));
    await waitForReady(page);
    await send(page, 'Keep me');
    await waitForStatus(page, 'complete');
    const valid = (await backUp(page)).text;
    const before = await dumpStorage(page);

    const withVersion = JSON.stringify({ ...JSON.parse(valid), version: 7 });
    const cases: Array<[string, string, RegExp]> = [
      ['corrupt.json', valid.replace('"messages":', '"messages";'), /not complete JSON/],
      ['truncated.json', valid.slice(0, Math.floor(valid.length * 0.6)), /not complete JSON: it may have been cut off/],
      ['newer.json', withVersion, /made by a newer Hearth \(backup format 7/],
      ['other.json', JSON.stringify({ format: 'something-else', version: 1 }), /not a Hearth backup/],
      ['proto.json', valid.replace('"role":"user"', '"role":"user","__proto__":{"isAdmin":true}'), /field named “__proto__”/],
      ['types.json', valid.replace('"role":"user"', '"role":"root"'), /the field “role” must be one of system, user, assistant/],
      ['empty.json', '', /This file is empty/],
    ];
    for (const [name, text, message] of cases) {
      await chooseFile(page, name, text);
      const alert = dataDialog(page).getByRole('alert');
      await expect.poll(() => alert.textContent(), { timeout: 10_000 }).toMatch(message);
      expect(await alert.textContent()).toContain('This file was not restored. Nothing in this browser changed.');
      expect(await dataDialog(page).getByRole('region', { name: 'Backup to restore' }).count()).toBe(0);
    }
    expect(await page.evaluate(() => ({} as { isAdmin?: boolean }).isAdmin)).toBeUndefined();
    expect(await dumpStorage(page)).toEqual(before);
    await page.context().close();
  });
});
