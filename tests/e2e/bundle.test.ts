/** The entry chunk must stay free of engine code: WebLLM loads only when a model is loaded. */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

const dist = join(import.meta.dirname, '..', '..', 'dist');

describe('build output', () => {
  test('the entry chunk holds no WebLLM or wllama code; the engines live in lazy chunks and workers', async () => {
    const html = await readFile(join(dist, 'index.html'), 'utf8');
    const entry = /<script type="module"[^>]*src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(entry).toBeDefined();
    const entryCode = await readFile(join(dist, entry!), 'utf8');
    for (const marker of ['WebWorkerMLCEngine', 'prebuiltAppConfig', 'tvmjs', 'mlc-ai', 'Wllama', 'wllama.wasm', 'WLLAMA_EMSCRIPTEN_CODE']) {
      expect(entryCode).not.toContain(marker);
    }

    const assets = await readdir(join(dist, 'assets'));
    const chunks = await Promise.all(assets.filter((name) => name.endsWith('.js')).map(async (name) => [name, await readFile(join(dist, 'assets', name), 'utf8')] as const));
    const withWebLLM = chunks.filter(([, code]) => code.includes('WebWorkerMLCEngineHandler')).map(([name]) => name);
    expect(withWebLLM.some((name) => name.startsWith('worker-'))).toBe(true);
    expect(withWebLLM.some((name) => name.startsWith('scripted-worker-'))).toBe(true);
    expect(chunks.some(([name, code]) => name !== entry && code.includes('wllama_start'))).toBe(true);
    expect(assets.some((name) => /^wllama-.*\.wasm$/.test(name))).toBe(true);
  });

  test('highlight.js is not in the entry chunk: its core and every language are lazy chunks', async () => {
    const html = await readFile(join(dist, 'index.html'), 'utf8');
    const entry = /<script type="module"[^>]*src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    const entryCode = await readFile(join(dist, entry!), 'utf8');
    const marker = 'Falling back to no-highlight mode';
    expect(entryCode).not.toContain(marker);
    const assets = await readdir(join(dist, 'assets'));
    const core = assets.find((name) => name.startsWith('core-') && name.endsWith('.js'));
    expect(core && (await readFile(join(dist, 'assets', core), 'utf8'))).toContain(marker);
    for (const language of ['typescript', 'python', 'json', 'bash']) expect(assets.some((name) => name.startsWith(`${language}-`))).toBe(true);
  });
});
