/**
 * Bundle size: what the page must download before it runs (the entry and every chunk it imports
 * statically, each gzipped as a server sends it), against everything the app can load.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'vitest';
import { report } from './report';

const dist = join(import.meta.dirname, '..', '..', 'dist');
const kb = (bytes: number): number => bytes / 1024;

test('bundle size', async () => {
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  const entryName = /<script type="module"[^>]*src="\.\/assets\/([^"]+\.js)"/.exec(html)?.[1];
  if (!entryName) throw new Error('no entry script in dist/index.html');
  const assets = await readdir(join(dist, 'assets'));
  const sizes = await Promise.all(
    assets
      .filter((name) => name.endsWith('.js') || name.endsWith('.css'))
      .map(async (name) => {
        const bytes = await readFile(join(dist, 'assets', name));
        return { name, raw: bytes.length, gzip: gzipSync(bytes).length };
      }),
  );
  const entry = sizes.find((size) => size.name === entryName)!;
  const startup = await staticImports(entryName);
  const atStart = sizes.filter((size) => startup.has(size.name));
  const css = sizes.filter((size) => size.name.endsWith('.css'));
  const allJs = sizes.filter((size) => size.name.endsWith('.js'));
  const total = (list: typeof sizes, key: 'raw' | 'gzip'): number => list.reduce((sum, size) => sum + size[key], 0);
  // What the service worker downloads when it installs: the precache manifest in sw.js (config/pwa.ts).
  const sw = await readFile(join(dist, 'sw.js'), 'utf8');
  const precached = [...sw.matchAll(/\{\s*url:\s*"([^"]+)",\s*revision:/g)].map((match) => match[1]!);
  const precacheBytes = (await Promise.all(precached.map(async (url) => (await readFile(join(dist, url))).length))).reduce((sum, size) => sum + size, 0);
  const distBytes = (await readdir(dist, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && !entry.parentPath.includes('fixtures'))
    .map((entry) => join(entry.parentPath, entry.name));
  const allBytes = (await Promise.all(distBytes.map(async (path) => (await readFile(path)).length))).reduce((sum, size) => sum + size, 0);
  report('Bundle size', [
    {
      metric: `entry JS with its static imports, ${atStart.length} files (gzip)`,
      value: kb(total(atStart, 'gzip')),
      unit: 'KB',
      baseline: { label: 'all JS chunks and workers (gzip)', value: kb(total(allJs, 'gzip')) },
      target: '< 150 KB',
    },
    { metric: 'entry JS with its static imports (raw)', value: kb(total(atStart, 'raw')), unit: 'KB', baseline: { label: 'all JS (raw)', value: kb(total(allJs, 'raw')) } },
    { metric: 'of which the entry file (gzip)', value: kb(entry.gzip), unit: 'KB' },
    { metric: 'CSS (gzip)', value: kb(total(css, 'gzip')), unit: 'KB' },
    { metric: `service worker precache (${precached.length} files, raw)`, value: kb(precacheBytes), unit: 'KB', baseline: { label: 'the whole build (raw)', value: kb(allBytes) } },
    ...allJs
      .filter((size) => !startup.has(size.name))
      .sort((a, b) => b.gzip - a.gzip)
      .map((size) => ({ metric: `lazy: ${size.name.replace(/-[\w-]{8}\.js$/, '')} (gzip)`, value: kb(size.gzip), unit: 'KB' })),
  ]);
});

/** The entry and every chunk reachable from it through static `import` statements (not `import()`). */
async function staticImports(entryName: string): Promise<Set<string>> {
  const found = new Set<string>();
  const visit = async (name: string): Promise<void> => {
    if (found.has(name)) return;
    found.add(name);
    const code = await readFile(join(dist, 'assets', name), 'utf8');
    // Minified static imports: `import{a as b}from"./x.js"`, `import"./x.js"`; `import("./x.js")` is lazy and not matched.
    const imported = [...code.matchAll(/(?:^|[;}\s])import\s*(?:[\w{},\s*$]*?from\s*)?["'`]\.\/([^"'`]+\.js)["'`]/g)].map((match) => match[1]!);
    await Promise.all(imported.map(visit));
  };
  await visit(entryName);
  return found;
}
