/** What render.bench.ts loads into Chromium: the renderer modules as the app uses them, nothing else. */
export { loadLanguage } from '../../src/lib/render/highlight';
export { renderMarkdown } from '../../src/lib/render/markdown';
export { MarkdownView } from '../../src/lib/render/view';
