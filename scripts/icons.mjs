#!/usr/bin/env node
/**
 * Renders the app's PNG icons from public/favicon.svg with headless Chromium (playwright-core,
 * already a devDependency for the tests), so the icons never drift from the SVG. Run it after
 * changing the favicon: `node scripts/icons.mjs`; the PNGs are committed.
 *
 *   icon-192.png, icon-512.png   "any" purpose: the favicon as it is (rounded square)
 *   maskable-512.png             "maskable": full-bleed background, the flame inside the
 *                                central safe zone (a circle of 40% radius), so launchers can
 *                                crop it to any shape without cutting the flame
 *   apple-touch-icon.png         180 px, opaque, for iOS home screens (which ignore the manifest)
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const root = join(import.meta.dirname, '..');
const svg = await readFile(join(root, 'public', 'favicon.svg'), 'utf8');
const background = /<rect[^>]*fill="([^"]+)"/.exec(svg)?.[1];
const flame = /<path[^>]*\/>/.exec(svg)?.[0];
if (!background || !flame) throw new Error('favicon.svg no longer has the expected <rect> and <path>');

// The flame spans about 36×41 units of the 64-unit square: at 75% it sits inside the safe circle.
const fullBleed = (scale) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="${background}"/>` +
  `<g transform="translate(32 32) scale(${scale}) translate(-32 -31)">${flame}</g></svg>`;

const icons = [
  { file: 'icon-192.png', size: 192, svg },
  { file: 'icon-512.png', size: 512, svg },
  { file: 'maskable-512.png', size: 512, svg: fullBleed(0.75) },
  { file: 'apple-touch-icon.png', size: 180, svg: fullBleed(0.9) },
];

const browser = await chromium.launch({ executablePath: process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  for (const icon of icons) {
    const page = await browser.newPage({ viewport: { width: icon.size, height: icon.size } });
    const body = `<body style="margin:0;background:transparent">${icon.svg.replace('<svg ', `<svg width="${icon.size}" height="${icon.size}" `)}</body>`;
    await page.setContent(body);
    await writeFile(join(root, 'public', icon.file), await page.screenshot({ omitBackground: true }));
    await page.close();
    console.log(`public/${icon.file} (${icon.size}×${icon.size})`);
  }
} finally {
  await browser.close();
}
