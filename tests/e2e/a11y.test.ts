/**
 * Accessibility: axe-core on every main screen, light and dark, desktop and phone, with no
 * serious or critical violations; and the app used with the keyboard alone.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO, appUrl, answers, launchBrowser, sidebarTitles, waitForReady, waitForStatus } from './support';

const require = createRequire(import.meta.url);

let browser: Browser;
let axeSource: string;

beforeAll(async () => {
  browser = await launchBrowser();
  axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
});

afterAll(async () => {
  await browser?.close();
});

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}

/** Serious and critical axe violations on the page as it is now, as readable lines. */
async function seriousViolations(page: Page, screen: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map(({ id, impact, help, nodes }) => ({ id, impact, help, nodes: nodes.map(({ target, failureSummary }) => ({ target, failureSummary })) }));
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${screen}: ${violation.id} (${violation.impact}) ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 360, height: 780 },
] as const;

describe('axe-core: no serious or critical violations', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const viewport of VIEWPORTS) {
      test(`main screens, ${colorScheme}, ${viewport.name}`, async () => {
        // The page's CSP allows only the app's own scripts; axe is injected for the test alone.
        const context = await browser.newContext({ viewport, colorScheme, bypassCSP: true });
        const page = await context.newPage();
        await page.goto(appUrl(DEMO({ tps: 400, ttft: 0 })));
        await waitForReady(page);
        const found: string[] = [];
        found.push(...(await seriousViolations(page, 'empty chat')));

        await page.locator('#composer-input').fill('Show me a list and some code');
        await page.locator('#composer-input').press('Enter');
        await waitForStatus(page, 'complete');
        found.push(...(await seriousViolations(page, 'chat with an answer')));

        if (viewport.name === 'phone') {
          await page.getByRole('button', { name: 'Open conversations' }).click();
          await page.locator('aside.sidebar.open').waitFor();
          found.push(...(await seriousViolations(page, 'sidebar open')));
          await page.getByRole('button', { name: 'Close sidebar' }).first().click();
        }

        await page.locator('header button.model').click();
        await page.getByRole('dialog', { name: 'Models' }).waitFor();
        found.push(...(await seriousViolations(page, 'model picker')));
        await page.keyboard.press('Escape');
        await page.getByRole('dialog', { name: 'Models' }).waitFor({ state: 'hidden' });

        await page.getByRole('button', { name: /^Limits:/ }).click();
        await page.getByRole('dialog', { name: 'Limits' }).waitFor();
        found.push(...(await seriousViolations(page, 'limits dialog')));
        await page.keyboard.press('Escape');
        await page.getByRole('dialog', { name: 'Limits' }).waitFor({ state: 'hidden' });

        await page.getByRole('button', { name: 'Open settings, personas and templates' }).click();
        for (const tab of ['Settings', 'Personas', 'Templates', 'Inspector']) {
          await page.getByRole('tab', { name: tab }).click();
          await expect.poll(() => page.getByRole('tab', { name: tab }).getAttribute('aria-selected')).toBe('true');
          found.push(...(await seriousViolations(page, `studio drawer: ${tab}`)));
        }
        if (process.env.HEARTH_A11Y_LOG) console.log(found.join('\n'));
        expect(found).toEqual([]);
        await context.close();
      });
    }
  }
});

describe('keyboard only', () => {
  test('send a message, start another conversation and switch back, with Tab, Enter and arrow keys', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(appUrl(DEMO({ tps: 400, ttft: 0 })));
    await waitForReady(page);
    const focused = () => page.evaluate(() => {
      const element = document.activeElement;
      if (!element) return '';
      const classes = [...element.classList].map((name) => `.${name}`).join('');
      return `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}${classes} ${element.getAttribute('aria-label') ?? element.textContent?.trim() ?? ''}`;
    });
    /** Presses Tab until the focused element matches, as a keyboard user would (at most 60 presses). */
    async function tabTo(matches: (description: string) => boolean, key = 'Tab'): Promise<void> {
      for (let presses = 0; presses < 60; presses++) {
        if (matches(await focused())) return;
        await page.keyboard.press(key);
      }
      throw new Error(`never reached the element; focus is on ${await focused()}`);
    }

    await tabTo((element) => element.startsWith('textarea#composer-input'));
    await page.keyboard.type('First, by keyboard');
    await page.keyboard.press('Enter');
    await waitForStatus(page, 'complete');

    await tabTo((element) => element.includes('New chat'), 'Shift+Tab');
    await page.keyboard.press('Enter');
    await tabTo((element) => element.startsWith('textarea#composer-input'));
    await page.keyboard.type('Second, by keyboard');
    await page.keyboard.press('Enter');
    await expect.poll(() => sidebarTitles(page)).toEqual(['Second, by keyboard', 'First, by keyboard']);
    await waitForStatus(page, 'complete');

    // Into the list, then down to the older conversation with an arrow key, and open it.
    await tabTo((element) => element.startsWith('button.title') && element.includes('Second, by keyboard'), 'Shift+Tab');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toContain('First, by keyboard');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('aside nav [aria-current="page"]').innerText()).toBe('First, by keyboard');
    await expect.poll(() => answers(page).count()).toBe(1);
    await page.getByText('First, by keyboard', { exact: true }).last().waitFor();

    // The studio panel: open it, then arrow keys move between its tabs.
    await tabTo((element) => element.includes('Open settings, personas and templates'));
    await page.keyboard.press('Enter');
    await tabTo((element) => element.startsWith('button') && element.endsWith(' Settings'));
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toMatch(/ Personas$/);
    await expect.poll(() => page.getByRole('tab', { name: 'Personas' }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('tab').count()).toBe(0);
    await context.close();
  });
});
