/**
 * Safe by construction: hostile model output, streamed token by token through the scripted
 * engine into the real app in Chromium, runs nothing, loads nothing remote, and the app itself
 * causes no Content-Security-Policy violation.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { XSS_PAYLOADS } from './fixtures/xss-payloads';
import { answers, lastAnswer, launchBrowser, openApp, send, setLimits, waitForReady, waitForStatus } from './support';

/** Generous: these machines are shared, and a lazy chunk or a paint may wait behind other work. */
const EVENTUALLY = { timeout: 15_000 };

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

interface Watch {
  remote: string[];
  page: Page;
  errors: string[];
}

/** A context where any script a payload runs leaves a mark, and any remote request is recorded and refused. */
async function watchedApp(query: string): Promise<Watch> {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(() => {
    const marks = window as unknown as { __xss?: unknown; __alerts: string[]; __csp: string[] };
    marks.__alerts = [];
    marks.__csp = [];
    const record = (kind: string) => (message?: unknown) => void marks.__alerts.push(`${kind}: ${String(message)}`);
    window.alert = record('alert');
    window.confirm = (message) => (record('confirm')(message), false);
    window.prompt = (message) => (record('prompt')(message), null);
    document.addEventListener('securitypolicyviolation', (event) => marks.__csp.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  const remote: string[] = [];
  const isLocal = (url: string): boolean => /^(?:https?:\/\/(?:127\.0\.0\.1|localhost)(?::\d+)?\/|data:|blob:|about:)/.test(url);
  context.on('request', (request) => {
    if (!isLocal(request.url())) remote.push(request.url());
  });
  await context.route('**/*', (route) => (isLocal(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
  const { page, errors } = await openApp(browser, query, context);
  return { remote, page, errors };
}

async function marks(page: Page): Promise<{ xss: unknown; alerts: string[]; csp: string[] }> {
  return page.evaluate(() => {
    const found = window as unknown as { __xss?: unknown; __alerts: string[]; __csp: string[] };
    return { xss: found.__xss ?? null, alerts: found.__alerts, csp: found.__csp };
  });
}

/** Everything in rendered answers that could run, load or submit anything. */
async function dangerousDom(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const roots = [...document.querySelectorAll('article.message.assistant .text')];
    const forbidden =
      'script, iframe, frame, object, embed, img, svg, math, style, link, meta, base, form, video, audio, source, portal, template, noscript, textarea, select, input:not([type="checkbox"])';
    for (const root of roots) {
      for (const element of root.querySelectorAll(forbidden)) {
        // The app's own icons inside its own buttons are not model output.
        if (element.tagName.toLowerCase() === 'svg' && element.closest('.json-view button')) continue;
        problems.push(`<${element.tagName.toLowerCase()}>`);
      }
      for (const button of root.querySelectorAll('button')) {
        // Only the app's own controls (code block and JSON tree buttons) may be buttons.
        if (!button.closest('.code-header, .json-view')) problems.push(`<button>${button.textContent}`);
      }
      for (const element of root.querySelectorAll('*')) {
        for (const attribute of element.attributes) {
          if (/^on|^(style|srcset|background|poster|ping|formaction|action|xlink:href)$/i.test(attribute.name)) {
            problems.push(`${element.tagName.toLowerCase()}[${attribute.name}]`);
          }
        }
        const href = element.getAttribute('href');
        if (href !== null && !/^(?:https?:|mailto:|#)/i.test(href.trim())) problems.push(`href=${href}`);
      }
    }
    return problems;
  });
}

describe('hostile model output', () => {
  test(`${XSS_PAYLOADS.length} XSS payloads streamed one per answer execute nothing and load nothing`, { timeout: 240_000 }, async () => {
    expect(XSS_PAYLOADS.length).toBeGreaterThanOrEqual(50);
    const replies = XSS_PAYLOADS.map((payload) => `reply=${encodeURIComponent(payload.text)}`).join('&');
    // Fast enough for 70+ turns, slow enough that most payloads are painted half-written too.
    const { page, remote, errors } = await watchedApp(`?engine=scripted&load=100&ttft=0&tps=400&${replies}`);
    await waitForReady(page);
    // 70+ answers in a minute, in one conversation: lift the request and per-chat limits for this test.
    await setLimits(page, { 'Per minute': '', 'Per chat a day': '', 'Per day': '' });

    for (const [index, payload] of XSS_PAYLOADS.entries()) {
      await send(page, `Payload ${index + 1} (${payload.kind})`);
      await expect.poll(() => answers(page).count(), EVENTUALLY).toBe(index + 1);
      await waitForStatus(page, 'complete');
    }

    // Give handlers their chances: hover every answer, open JSON trees, let autofocus and timers fire.
    for (const answer of await answers(page).all()) await answer.hover();
    for (const toggle of await page.locator('[data-code-action="json-tree"]').all()) await toggle.click();
    for (const expand of await page.getByRole('button', { name: 'Expand all' }).all()) await expand.click();
    await page.waitForTimeout(500);

    expect(await marks(page)).toEqual({ xss: null, alerts: [], csp: [] });
    expect(remote).toEqual([]);
    expect(errors).toEqual([]);
    expect(await dangerousDom(page)).toEqual([]);
    // The payloads were shown (raw HTML as text, links without a dangerous href, images as links), not dropped.
    expect(await answers(page).first().locator('.text').textContent()).toContain('<script>window.__xss = "script"</script>');
    expect(await lastAnswer(page).locator('.text').textContent()).toContain('<portal src=');
    expect(await page.locator('a.image-link').count()).toBeGreaterThan(0);
    expect(await page.locator('.json-view').count()).toBeGreaterThan(0);
    await page.context().close();
  });

  test('hostile text in a JSON-mode answer is shown as data in the tree, never as markup', async () => {
    const { page, remote, errors } = await watchedApp('?engine=scripted&load=100&ttft=0&tps=400');
    await waitForReady(page);
    await page.getByRole('button', { name: /JSON mode is off/ }).click();
    await page.getByLabel('JSON: any JSON object').check();
    await page.getByRole('button', { name: 'Apply' }).click();
    const hostile = `<img src=x onerror="window.__xss='json'"> <script>alert('json')</script> [x](javascript:alert(1))`;
    await send(page, hostile);
    await waitForStatus(page, 'complete');
    await lastAnswer(page).getByRole('button', { name: 'Expand all' }).click();
    await expect.poll(() => lastAnswer(page).locator('[data-path="$.input"] .value').textContent(), EVENTUALLY).toBe(JSON.stringify(hostile));
    await lastAnswer(page).getByRole('button', { name: 'Raw' }).click();
    expect(await lastAnswer(page).locator('pre').textContent()).toContain('<script>');
    await page.waitForTimeout(300);
    expect(await marks(page)).toEqual({ xss: null, alerts: [], csp: [] });
    expect(remote).toEqual([]);
    expect(errors).toEqual([]);
    expect(await dangerousDom(page)).toEqual([]);
    await page.context().close();
  });
});
