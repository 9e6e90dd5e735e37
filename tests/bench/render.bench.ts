/**
 * Render cost per token of a streaming answer, incremental (lib/render/view.ts, what the app
 * uses) against the naive way (the whole answer through renderMarkdown into innerHTML on every
 * token, what the app did before), both measured in this run, in the same Chromium page.
 *
 * How, and why this way:
 * - Real Chromium, not jsdom: DOMPurify, innerHTML and layout cost what they cost in a browser.
 * - The renderer modules themselves, bundled from src/ for this run (render-entry.ts) and loaded
 *   into a blank page. Measuring through the app would add the engine worker, Svelte and the
 *   token pacing to every figure, and the app exposes no hooks for benchmarks.
 * - One render per token: the app renders at most once per animation frame, so this is the
 *   worst case (a token per frame); with faster tokens a frame's cost is the same, just rarer.
 * - Each measurement ends with a forced layout (reading offsetHeight), so the time includes the
 *   style and layout work the browser would do for that render at the next frame.
 * - The incremental view highlights code (the app does; languages are loaded beforehand); the
 *   naive baseline does not, which only flatters the baseline.
 * - Both paths are warmed up on the first tokens before anything is measured.
 * - A 10,000-token answer (scripted-engine tokens) mixing prose, lists, tables and code. "Start"
 *   is tokens 1–500, "end" tokens 9,501–10,000. The naive baseline is measured only in those
 *   windows: all 10,000 tokens would take minutes, and in between it only gets slower.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, test } from 'vitest';
import { build, type Rolldown } from 'vite';
import { scriptedTokens } from '../../src/lib/engine/scripted';
import { launchBrowser } from '../e2e/support';
import { mean, percentile, report } from './report';

const TOKENS = 10_000;
const WINDOW = 500;
const root = join(import.meta.dirname, '..', '..');

let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** A long answer in the shape models write: headings, prose with inline markup, lists, tables, code. */
function answerTokens(count: number): string[] {
  const sections: string[] = [];
  for (let index = 1; scriptedTokens(sections.join('\n\n')).length < count; index++) {
    sections.push(
      [
        `## Step ${index}: configure the service`,
        `First, open **config.ts** and set \`retries\` to ${index}. The client reads it at start-up, so a restart is needed; see [the docs](https://example.com/docs/${index}) for the other options.`,
        '- keep the timeout short\n- log every retry\n  - with the attempt number\n- [x] tested locally',
        `| option | default | step ${index} |\n|---|---|---|\n| retries | 3 | ${index} |\n| timeout | 30s | 10s |`,
        index % 2 === 0
          ? `\`\`\`ts\nexport async function fetchWithRetry(url: string, retries = ${index}): Promise<Response> {\n  for (let attempt = 0; attempt <= retries; attempt++) {\n    const response = await fetch(url);\n    if (response.ok) return response;\n  }\n  throw new Error(\`failed after \${retries} retries\`);\n}\n\`\`\``
          : `\`\`\`python\ndef fetch_with_retry(url, retries=${index}):\n    for attempt in range(retries + 1):\n        response = requests.get(url)\n        if response.ok:\n            return response\n    raise RuntimeError(f"failed after {retries} retries")\n\`\`\``,
        `> Note: step ${index} assumes the previous steps worked. If not, go back and check the logs before you continue.`,
      ].join('\n\n'),
    );
  }
  return scriptedTokens(sections.join('\n\n')).slice(0, count);
}

async function rendererBundle(): Promise<string> {
  const result = await build({
    configFile: false,
    root,
    logLevel: 'silent',
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      lib: { entry: join(root, 'tests', 'bench', 'render-entry.ts'), formats: ['iife'], name: 'HearthRender', fileName: 'render' },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunk = outputs.flatMap((output) => output.output).find((item) => item.type === 'chunk');
  if (!chunk || chunk.type !== 'chunk') throw new Error('the renderer bundle has no code');
  return chunk.code;
}

interface Timings {
  incremental: { start: number[]; end: number[] };
  naive: { start: number[]; end: number[] };
}

test('render cost per token: incremental vs full re-render', async () => {
  const tokens = answerTokens(TOKENS);
  const page = await browser.newPage();
  await page.setContent('<!doctype html><html><body><main id="bench"></main></body></html>');
  await page.addScriptTag({ content: await rendererBundle() });

  const timings = await page.evaluate(
    async ({ tokens, window: size }) => {
      interface View {
        renderNow(source: string): void;
        complete(source: string): void;
        destroy(): void;
      }
      const { MarkdownView, renderMarkdown, loadLanguage } = (globalThis as unknown as {
        HearthRender: {
          MarkdownView: new (root: HTMLElement, options: { onCopy(text: string): void }) => View;
          renderMarkdown(source: string): string;
          loadLanguage(name: string): Promise<boolean>;
        };
      }).HearthRender;
      await Promise.all([loadLanguage('typescript'), loadLanguage('python')]);
      const main = document.getElementById('bench')!;
      const inWindow = (index: number): 'start' | 'end' | null => (index < size ? 'start' : index >= tokens.length - size ? 'end' : null);
      const result: Timings = { incremental: { start: [], end: [] }, naive: { start: [], end: [] } };

      // Warm both paths up first (JIT, highlight.js grammars, style sheets): otherwise whichever
      // runs first pays for compiling the code both share (marked, DOMPurify) in its start window.
      const warm = main.appendChild(document.createElement('div'));
      warm.className = 'markdown';
      const warmView = new MarkdownView(warm, { onCopy: () => {} });
      let warmText = '';
      for (const token of tokens.slice(0, size)) {
        warmText += token;
        warmView.renderNow(warmText);
        void warm.offsetHeight;
      }
      warmView.destroy();
      for (let end = 1; end <= size; end += 10) {
        warm.innerHTML = renderMarkdown(warmText.slice(0, Math.round((warmText.length * end) / size)));
        void warm.offsetHeight;
      }
      warm.remove();

      const incremental = main.appendChild(document.createElement('div'));
      incremental.className = 'markdown';
      const view = new MarkdownView(incremental, { onCopy: () => {} });
      let text = '';
      for (const [index, token] of tokens.entries()) {
        text += token;
        const started = performance.now();
        view.renderNow(text);
        void incremental.offsetHeight;
        const elapsed = performance.now() - started;
        const where = inWindow(index);
        if (where) result.incremental[where].push(elapsed);
      }
      view.destroy();
      incremental.remove();

      const naive = main.appendChild(document.createElement('div'));
      naive.className = 'markdown';
      text = '';
      for (const [index, token] of tokens.entries()) {
        text += token;
        const where = inWindow(index);
        if (!where) continue;
        const started = performance.now();
        naive.innerHTML = renderMarkdown(text);
        void naive.offsetHeight;
        result.naive[where].push(performance.now() - started);
      }
      return result;
    },
    { tokens, window: WINDOW },
  );
  await page.close();

  const { incremental, naive } = timings;
  const rows = (where: 'start' | 'end', label: string) => [
    {
      metric: `render cost per token, ${label}, mean`,
      value: mean(incremental[where]),
      unit: 'ms',
      baseline: { label: 'full re-render', value: mean(naive[where]) },
      ...(where === 'end' ? { target: 'flat: ≈ start' } : {}),
    },
    {
      metric: `render cost per token, ${label}, p99`,
      value: percentile(incremental[where], 99),
      unit: 'ms',
      baseline: { label: 'full re-render', value: percentile(naive[where], 99) },
    },
  ];
  report(`Streaming Markdown render cost (${TOKENS.toLocaleString('en-US')}-token answer, Chromium)`, [
    ...rows('start', `start (tokens 1–${WINDOW})`),
    ...rows('end', `end (tokens ${(TOKENS - WINDOW + 1).toLocaleString('en-US')}–${TOKENS.toLocaleString('en-US')})`),
    {
      metric: 'incremental, end ÷ start (mean)',
      value: mean(incremental.end) / mean(incremental.start),
      unit: '×',
      baseline: { label: 'full re-render, end ÷ start', value: mean(naive.end) / mean(naive.start) },
      target: '≈ 1',
    },
  ]);
});
