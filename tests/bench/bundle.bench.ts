/** Bundle size: what the first paint downloads, against everything the app can load. */
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
  const css = sizes.filter((size) => size.name.endsWith('.css'));
  const allJs = sizes.filter((size) => size.name.endsWith('.js'));
  const total = (list: typeof sizes, key: 'raw' | 'gzip'): number => list.reduce((sum, size) => sum + size[key], 0);
  report('Bundle size', [
    { metric: 'entry JS (gzip)', value: kb(entry.gzip), unit: 'KB', baseline: { label: 'all JS chunks and workers (gzip)', value: kb(total(allJs, 'gzip')) }, target: '< 150 KB' },
    { metric: 'entry JS (raw)', value: kb(entry.raw), unit: 'KB', baseline: { label: 'all JS (raw)', value: kb(total(allJs, 'raw')) } },
    { metric: 'CSS (gzip)', value: kb(total(css, 'gzip')), unit: 'KB' },
    ...allJs
      .filter((size) => size !== entry)
      .sort((a, b) => b.gzip - a.gzip)
      .map((size) => ({ metric: `lazy: ${size.name.replace(/-[\w-]{8}\.js$/, '')} (gzip)`, value: kb(size.gzip), unit: 'KB' })),
  ]);
});
