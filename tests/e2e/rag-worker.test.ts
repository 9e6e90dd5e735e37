/**
 * The RAG index worker in Chromium: built by Vite as the app builds it (module worker, pdf.js
 * and its own worker bundled, nothing from a CDN), run under the app's CSP. Adds a Markdown
 * file and PDFs generated here, searches, reloads and searches again from the stored index.
 * The page is a harness without UI (rag-harness/); the app's composer wiring is tested elsewhere.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { contentSecurityPolicy } from '../../config/csp';
import { launchBrowser } from './support';

const root = join(import.meta.dirname, 'rag-harness');
let outDir: string;
let server: PreviewServer;
let url: string;
let browser: Browser;

interface Harness {
  addSamples(): Promise<{ added: Array<{ name: string; kind: string; pageStarts: number[] | null }>; failed: string[][]; phases: string[] }>;
  search(query: string): Promise<Array<{ name: string; text: string }>>;
}

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'hearth-rag-harness-'));
  const shared = { root, configFile: false as const, logLevel: 'error' as const, base: './' };
  await build({
    ...shared,
    build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 8000 },
    worker: { format: 'es' },
    plugins: [{ name: 'csp', transformIndexHtml: (html: string) => html.replaceAll('%HEARTH_CSP%', contentSecurityPolicy('build')) }],
  });
  server = await preview({ ...shared, build: { outDir }, preview: { port: 0, host: '127.0.0.1', strictPort: false } });
  url = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}/`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('RAG index worker in Chromium', () => {
  test('extracts Markdown and PDF text in the worker under the CSP, ranks, and finds it again after a reload', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      // A missing resource is reported below with its address.
      if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) problems.push(`console: ${message.text()}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()}: ${response.url()}`);
    });
    await page.goto(url);
    await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });

    const added = await page.evaluate(() => (window as unknown as { ragHarness: Harness }).ragHarness.addSamples());
    expect(added.added).toEqual([
      { name: 'notes.md', kind: 'markdown', pageStarts: null },
      { name: 'spec.pdf', kind: 'pdf', pageStarts: [0, 26] },
    ]);
    expect(added.failed).toEqual([
      ['scan.pdf', 'pdf-no-text'],
      ['secret.pdf', 'pdf-encrypted'],
    ]);
    expect(added.phases).toEqual(expect.arrayContaining(['reading', 'extracting', 'indexing', 'saving']));

    const search = (query: string) => page.evaluate((text) => (window as unknown as { ragHarness: Harness }).ragHarness.search(text), query);
    expect((await search('brewing pressure'))[0]).toEqual({ name: 'spec.pdf', text: 'The boiler holds 300 ml.\n\nBrewing pressure is nine bar.' });
    expect((await search('how often to descale'))[0]?.name).toBe('notes.md');

    await page.reload();
    await page.locator('body[data-ready="true"]').waitFor({ state: 'attached' });
    expect((await search('citric acid'))[0]?.name).toBe('notes.md');
    expect(problems).toEqual([]);
    await context.close();
  });
});
