/**
 * The user's own OpenAI-compatible endpoint, end to end in Chromium, against the mock server
 * (tests/fixtures/openai-mock.ts) started here on 127.0.0.1 and a random port. Nothing scripted:
 * the app runs in real mode, and the page's CSP must first be told about the mock's origin.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { OpenAiMock } from '../fixtures/openai-mock';
import { answers, lastAnswer, launchBrowser, openApp, send, setLimits, waitForReady, waitForStatus } from './support';

const KEY = 'sk-hearth-e2e-9fK2mQ7xV4bN8cL1pR6tY3wZ5';
const PASSPHRASE = 'orange kettle morning';

let browser: Browser;
let mock: OpenAiMock;
/** A second server, never configured: the page must not be able to reach it. */
let other: Server;
let otherOrigin: string;

beforeAll(async () => {
  browser = await launchBrowser();
  mock = await OpenAiMock.start({ apiKey: KEY });
  other = createServer((_request, response) => response.writeHead(200, { 'Access-Control-Allow-Origin': '*' }).end('{"data":[]}'));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await browser?.close();
  await mock?.close();
  await new Promise((resolve) => other?.close(resolve));
});

beforeEach(() => {
  mock.apiKey = KEY;
  mock.cors = true;
  mock.tokenDelayMs = 20;
});

const picker = (page: Page) => page.getByRole('dialog', { name: 'Models' });
const serverSection = (page: Page) => picker(page).locator('details.endpoint');

async function openServerSection(page: Page): Promise<void> {
  if (!(await picker(page).isVisible())) await page.locator('header button.model').click();
  await picker(page).waitFor();
  if ((await serverSection(page).getAttribute('open')) === null) await serverSection(page).locator('summary').click();
}

/** Sets the endpoint up through the picker, then reloads as the UI asks, so the page's CSP allows it. */
async function configure(page: Page, options: { origin?: string; key?: string; passphrase?: string; pii?: 'Redact' | 'Block' } = {}): Promise<void> {
  await page.locator('header button.model').waitFor();
  await openServerSection(page);
  const section = serverSection(page);
  await section.getByLabel('Server address').fill(options.origin ?? mock.origin);
  if (options.key) await section.getByLabel('API key').fill(options.key);
  if (options.passphrase) await section.getByLabel('Passphrase to encrypt the key').fill(options.passphrase);
  if (options.pii) await section.getByText(options.pii, { exact: true }).click();
  await section.getByRole('button', { name: 'Save' }).click();
  await section.getByText('Reload Hearth to connect to').first().waitFor();
  await section.getByRole('button', { name: 'Reload now' }).click();
  await page.locator('header button.model').waitFor();
}

/** Chooses the mock's model in the picker (unlocking the key first if asked) and waits for the composer. */
async function useModel(page: Page, options: { passphrase?: string } = {}): Promise<void> {
  await openServerSection(page);
  const section = serverSection(page);
  if (options.passphrase) {
    await section.getByLabel('Passphrase to unlock the key').fill(options.passphrase);
    await section.getByRole('button', { name: 'Unlock key' }).click();
  }
  await section.getByRole('button', { name: 'Use mock-llama' }).click();
  await waitForReady(page);
  await expect.poll(() => page.locator('header button.model .name').textContent()).toBe('remote:mock-llama');
}

/** Every record of every IndexedDB database of the page, as text (bytes as Latin-1), plus both Web Storages. */
async function everythingStored(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const text = (value: unknown): string =>
      JSON.stringify(value, (_key, item: unknown) =>
        item instanceof ArrayBuffer || ArrayBuffer.isView(item)
          ? String.fromCharCode(...new Uint8Array(item instanceof ArrayBuffer ? item : item.buffer))
          : item instanceof Blob
            ? `[blob ${item.size}]`
            : item,
      );
    const parts: string[] = [];
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(name);
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      for (const storeName of [...db.objectStoreNames]) {
        const store = db.transaction(storeName, 'readonly').objectStore(storeName);
        const [keys, values] = await Promise.all(
          [store.getAllKeys(), store.getAll()].map((request) => new Promise<unknown>((resolve, reject) => ((request.onsuccess = () => resolve(request.result)), (request.onerror = () => reject(request.error))))),
        );
        parts.push(`${name}/${storeName}: ${text(keys)} ${text(values)}`);
      }
      db.close();
    }
    parts.push(`localStorage: ${text({ ...localStorage })}`, `sessionStorage: ${text({ ...sessionStorage })}`);
    return parts.join('\n');
  });
}

/** Records CSP violations the page reports, from now on. */
async function watchViolations(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { violations: string[] }).violations = seen;
    document.addEventListener('securitypolicyviolation', (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`));
  });
}

/** Sends a message and waits until its own answer (not the one before) has this status. */
async function ask(page: Page, text: string, status: 'complete' | 'error'): Promise<void> {
  const before = await answers(page).count();
  await send(page, text);
  await expect.poll(() => answers(page).count()).toBe(before + 1);
  await waitForStatus(page, status);
}

/** The last answer's text once painted (the view paints on the next animation frame). */
const answerText = async (page: Page): Promise<string> => ((await lastAnswer(page).locator('.text').textContent()) ?? '').trim();

const tryFetch = (page: Page, url: string) =>
  page.evaluate((target) => fetch(target).then((response) => `status ${response.status}`, (error: unknown) => `failed: ${String(error)}`), url);

describe('your own OpenAI-compatible server', () => {
  test('the page connects only to the configured origin: other hosts are blocked by CSP', async () => {
    const { page, errors } = await openApp(browser);
    await page.locator('header button.model').waitFor();
    await watchViolations(page);
    // Nothing configured: not even this computer's servers are reachable.
    expect(await tryFetch(page, `${mock.origin}/v1/models`)).toMatch(/^failed/);
    expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([`connect-src ${mock.origin}/v1/models`]);

    await configure(page);
    await watchViolations(page);
    const policies = await page.locator('meta[http-equiv="Content-Security-Policy"]').evaluateAll((metas) => metas.map((meta) => meta.getAttribute('content') ?? ''));
    expect(policies).toHaveLength(2);
    expect(policies[1]).toMatch(new RegExp(`^connect-src 'self' .* ${mock.origin.replaceAll('.', '\\.')}$`));
    // The mock answers (401 without the key), the other server is refused by the policy.
    expect(await tryFetch(page, `${mock.origin}/v1/models`)).toBe('status 401');
    expect(await tryFetch(page, `${otherOrigin}/v1/models`)).toMatch(/^failed/);
    expect(await tryFetch(page, 'https://example.com/')).toMatch(/^failed/);
    expect(await page.evaluate(() => (window as unknown as { violations: string[] }).violations)).toEqual([`connect-src ${otherOrigin}/v1/models`, 'connect-src https://example.com/']);
    // Only the deliberate attempts above were refused.
    expect(errors.filter((error) => !error.includes(otherOrigin) && !error.includes('example.com') && !error.includes(mock.origin))).toEqual([]);
    await page.context().close();
  });

  test('a key sealed with a passphrase: streams, stops, and the key is in no storage, export or console line', async () => {
    const { page, errors } = await openApp(browser);
    const consoleLines: string[] = [];
    page.on('console', (message) => consoleLines.push(message.text()));
    await configure(page, { key: KEY, passphrase: PASSPHRASE });
    // After the reload the key is locked until the passphrase is given.
    await openServerSection(page);
    await serverSection(page).getByText('key locked').waitFor();
    await serverSection(page).getByLabel('Passphrase to unlock the key').fill('not the passphrase');
    await serverSection(page).getByRole('button', { name: 'Unlock key' }).click();
    await serverSection(page).getByRole('alert').filter({ hasText: 'Wrong passphrase.' }).waitFor();
    await useModel(page, { passphrase: PASSPHRASE });
    expect(await page.getByTestId('engine-backend').textContent()).toBe(`Your server · ${new URL(mock.origin).host}`);

    await ask(page, 'Hello endpoint', 'complete');
    await expect.poll(() => answerText(page)).toBe('Hello from the mock endpoint. You said: Hello endpoint');
    // The server's own count, from the usage chunk it sent because Hearth asked for it.
    expect(await lastAnswer(page).locator('.meta').textContent()).toMatch(/9 tokens · [\d.]+ tok\/s/);
    const sent = mock.chats.at(-1);
    expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent?.body).toMatchObject({ model: 'mock-llama', stream: true, stream_options: { include_usage: true } });

    // Stop mid-answer: what arrived is kept.
    mock.tokenDelayMs = 250;
    await send(page, 'Now a slow one');
    // The new answer first: until it is added, the last answer is the previous one, which matches too.
    await expect.poll(() => answers(page).count()).toBe(2);
    await expect.poll(() => lastAnswer(page).locator('.text').textContent(), { timeout: 10_000 }).toMatch(/^Hello from/);
    await page.getByRole('button', { name: 'Stop' }).click();
    await waitForStatus(page, 'stopped');
    await expect.poll(() => answerText(page)).toMatch(/^Hello from/);
    const partial = await answerText(page);
    expect(partial.length).toBeLessThan('Hello from the mock endpoint. You said: Now a slow one'.length);

    // The key: not in any IndexedDB database or Web Storage, not in the export, not in the console.
    const stored = await everythingStored(page);
    expect(stored).toContain('hearth-endpoint/endpoint');
    expect(stored).toContain('hearth-sealed-secret');
    expect(stored).not.toContain(KEY);
    expect(stored).not.toContain(PASSPHRASE);
    await page.getByRole('button', { name: 'Open settings, personas and templates' }).click();
    await page.getByRole('complementary', { name: 'Studio' }).getByRole('tab', { name: 'Personas' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
    const exported = await readFile((await download.path()) as string, 'utf8');
    expect(exported).toContain('hearth-prompts');
    expect(exported).not.toContain(KEY);
    expect(consoleLines.join('\n')).not.toContain(KEY);
    expect(await page.content()).not.toContain(KEY);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('401, a disconnect mid-stream, Stop before a slow first byte, and 429 each say what happened; 429 holds the next request until the server’s time', async () => {
    const { page, errors } = await openApp(browser);
    const consoleLines: string[] = [];
    page.on('console', (message) => consoleLines.push(message.text()));
    await configure(page, { key: KEY });
    await useModel(page);
    await setLimits(page, { 'Per minute': '' });

    mock.failNext({ kind: 'status', status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}` } } });
    await ask(page, 'First', 'error');
    const refused = (await lastAnswer(page).getByRole('alert').textContent()) ?? '';
    expect(refused).toContain('The endpoint refused the API key (HTTP 401). Check the key under Models → Your server.');
    expect(refused).toContain('Incorrect API key provided: [API key]');

    mock.failNext({ kind: 'disconnect', afterChunks: 3 });
    await ask(page, 'Second', 'error');
    await expect.poll(() => answerText(page)).toBe('Hello from the');
    expect(await lastAnswer(page).getByRole('alert').textContent()).toMatch(/The connection to http:\/\/127\.0\.0\.1:\d+ dropped in the middle of the answer\. The text that arrived is kept; Retry asks again\./);

    // A server slow to start answering (a big model loading): Stop works before the first byte.
    mock.failNext({ kind: 'slow-first-byte', ms: 4000 });
    const before = await answers(page).count();
    await send(page, 'Slow to start');
    await expect.poll(() => answers(page).count()).toBe(before + 1);
    await page.getByRole('button', { name: 'Stop' }).click();
    await waitForStatus(page, 'stopped');
    expect(await answerText(page)).toBe('');

    mock.failNext({ kind: 'status', status: 429, headers: { 'Retry-After': '30' } });
    await ask(page, 'Third', 'error');
    expect(await lastAnswer(page).getByRole('alert').textContent()).toMatch(/The endpoint is limiting requests \(HTTP 429\)\. It asked to wait 30 s: Hearth sends nothing to it before /);
    const requests = mock.chats.length;
    await send(page, 'Fourth, too soon');
    const notice = page.getByRole('alert').filter({ hasText: 'Your server asked Hearth to wait' });
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/You can send to it again in (2\d|30) s, at /);
    expect(mock.chats.length).toBe(requests);
    expect(await page.locator('#composer-input').inputValue()).toBe('Fourth, too soon');

    expect(consoleLines.join('\n')).not.toContain(KEY);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('personal data is redacted before it leaves, or the prompt is not sent at all', async () => {
    const { page, errors } = await openApp(browser);
    await configure(page, { pii: 'Redact' });
    mock.apiKey = null;
    await useModel(page);

    await ask(page, 'Please email ada@example.org about it', 'complete');
    const body = mock.chats.at(-1)?.body as { messages: Array<{ content: string }> };
    expect(body.messages.at(-1)?.content).toBe('Please email [EMAIL] about it');
    expect(await lastAnswer(page).locator('.meta').textContent()).toContain('Redacted before sending: an email address');
    // The conversation keeps what the user wrote.
    expect(await page.locator('article.message.user .text').last().textContent()).toBe('Please email ada@example.org about it');

    await openServerSection(page);
    await serverSection(page).getByText('Block', { exact: true }).click();
    await page.getByRole('button', { name: 'Close models' }).click();
    const requests = mock.chats.length;
    await send(page, 'My card is 4111 1111 1111 1111');
    await page.getByRole('alert').filter({ hasText: 'Not sent: your message contains a card number' }).waitFor();
    expect(mock.chats.length).toBe(requests);
    expect(await page.locator('#composer-input').inputValue()).toBe('My card is 4111 1111 1111 1111');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test('a server whose CORS policy refuses the page gets advice naming the setting to change', async () => {
    const { page } = await openApp(browser);
    mock.cors = false;
    await configure(page);
    await openServerSection(page);
    await serverSection(page).getByRole('button', { name: 'Test connection' }).click();
    const alert = serverSection(page).getByRole('alert');
    await alert.waitFor();
    const text = (await alert.textContent()) ?? '';
    const pageOrigin = new URL(page.url()).origin;
    expect(text).toContain(`${mock.origin} answered, but its CORS policy does not allow this page (${pageOrigin})`);
    expect(text).toContain(`OLLAMA_ORIGINS=${pageOrigin}`);
    expect(text).toContain('--allowed-origins');
    await page.context().close();
  });
});
