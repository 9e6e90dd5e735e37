/**
 * Syntax highlighting for code blocks, with highlight.js. Nothing of it is in the entry chunk:
 * the core and each language are separate chunks, fetched the first time an answer holds code
 * in that language. highlight.js marks tokens with classes only (`hljs-keyword`), so the
 * strict style-src CSP holds; the colours come from styles/markdown.css.
 *
 * Its HTML never meets an HTML parser: `highlightedFragment` reads the two shapes highlight.js
 * writes (`<span class="hljs-…">…</span>` around escaped text) and builds spans and text nodes
 * itself; anything else and the code stays plain. That is safe by construction, and several
 * times faster than sanitising thousands of spans (a JSON block has one per token).
 */
import type { HLJSApi, LanguageFn } from 'highlight.js';

type LanguageModule = () => Promise<{ default: LanguageFn }>;

/** Common languages in model answers; each is its own lazy chunk. */
const LANGUAGES: Record<string, LanguageModule> = {
  bash: () => import('highlight.js/lib/languages/bash'),
  c: () => import('highlight.js/lib/languages/c'),
  cpp: () => import('highlight.js/lib/languages/cpp'),
  csharp: () => import('highlight.js/lib/languages/csharp'),
  css: () => import('highlight.js/lib/languages/css'),
  diff: () => import('highlight.js/lib/languages/diff'),
  dockerfile: () => import('highlight.js/lib/languages/dockerfile'),
  go: () => import('highlight.js/lib/languages/go'),
  ini: () => import('highlight.js/lib/languages/ini'),
  java: () => import('highlight.js/lib/languages/java'),
  javascript: () => import('highlight.js/lib/languages/javascript'),
  json: () => import('highlight.js/lib/languages/json'),
  kotlin: () => import('highlight.js/lib/languages/kotlin'),
  lua: () => import('highlight.js/lib/languages/lua'),
  markdown: () => import('highlight.js/lib/languages/markdown'),
  php: () => import('highlight.js/lib/languages/php'),
  powershell: () => import('highlight.js/lib/languages/powershell'),
  python: () => import('highlight.js/lib/languages/python'),
  ruby: () => import('highlight.js/lib/languages/ruby'),
  rust: () => import('highlight.js/lib/languages/rust'),
  scss: () => import('highlight.js/lib/languages/scss'),
  sql: () => import('highlight.js/lib/languages/sql'),
  swift: () => import('highlight.js/lib/languages/swift'),
  typescript: () => import('highlight.js/lib/languages/typescript'),
  xml: () => import('highlight.js/lib/languages/xml'),
  yaml: () => import('highlight.js/lib/languages/yaml'),
};

const ALIASES: Record<string, string> = {
  sh: 'bash',
  shell: 'bash',
  zsh: 'bash',
  console: 'bash',
  h: 'c',
  'c++': 'cpp',
  cc: 'cpp',
  hpp: 'cpp',
  cs: 'csharp',
  'c#': 'csharp',
  docker: 'dockerfile',
  golang: 'go',
  toml: 'ini',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  node: 'javascript',
  jsonc: 'json',
  kt: 'kotlin',
  md: 'markdown',
  ps1: 'powershell',
  py: 'python',
  python3: 'python',
  rb: 'ruby',
  rs: 'rust',
  ts: 'typescript',
  tsx: 'typescript',
  mts: 'typescript',
  html: 'xml',
  xhtml: 'xml',
  svg: 'xml',
  svelte: 'xml',
  vue: 'xml',
  yml: 'yaml',
};

/** The highlight.js name for a fence's language, or null when it is not one we highlight. */
export function languageName(fence: string): string | null {
  const name = fence.trim().toLowerCase();
  const canonical = ALIASES[name] ?? name;
  return Object.hasOwn(LANGUAGES, canonical) ? canonical : null;
}

let core: Promise<HLJSApi> | null = null;
let hljs: HLJSApi | null = null;
const registered = new Set<string>();
const loading = new Map<string, Promise<boolean>>();

function loadCore(): Promise<HLJSApi> {
  core ??= import('highlight.js/lib/core').then(({ default: instance }) => (hljs = instance));
  return core;
}

/** Fetches the core and one language; resolves false if the language is unknown or failed to load. */
export function loadLanguage(name: string): Promise<boolean> {
  if (registered.has(name)) return Promise.resolve(true);
  const module = LANGUAGES[name];
  if (!module) return Promise.resolve(false);
  let pending = loading.get(name);
  if (!pending) {
    pending = Promise.all([loadCore(), module()])
      .then(([instance, { default: language }]) => {
        instance.registerLanguage(name, language);
        registered.add(name);
        return true;
      })
      // A chunk that fails to load (offline after an update) leaves the code readable, just plain.
      .catch(() => {
        loading.delete(name);
        return false;
      });
    loading.set(name, pending);
  }
  return pending;
}

export function isLoaded(name: string): boolean {
  return hljs !== null && registered.has(name);
}

/**
 * The code as highlighted DOM, if its language is loaded (see `isLoaded`, `loadLanguage`);
 * null when it is not, or when highlight.js wrote something this does not expect.
 */
export function highlightedFragment(document: Document, code: string, name: string): DocumentFragment | null {
  if (!hljs || !registered.has(name)) return null;
  return buildFragment(document, hljs.highlight(code, { language: name, ignoreIllegals: true }).value);
}

/** Scopes left unstyled: no span for them, which halves the elements in JSON and C-like code. */
const UNSTYLED = new Set(['hljs-punctuation', 'hljs-operator']);
const PIECE = /<span class="([\w -]+)">|<\/span>|([^<]+)/y;
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'" };

function buildFragment(document: Document, html: string): DocumentFragment | null {
  const fragment = document.createDocumentFragment();
  const open: Array<DocumentFragment | HTMLElement> = [fragment];
  PIECE.lastIndex = 0;
  while (PIECE.lastIndex < html.length) {
    const match = PIECE.exec(html);
    if (!match) return null;
    const parent = open.at(-1)!;
    const [, className, text] = match;
    if (text !== undefined) {
      if (/&(?!amp;|lt;|gt;|quot;|#x27;)/.test(text)) return null;
      parent.append(text.replace(/&(?:amp|lt|gt|quot|#x27);/g, (entity) => ENTITIES[entity]!));
    } else if (className !== undefined) {
      if (UNSTYLED.has(className)) {
        open.push(parent);
        continue;
      }
      const span = document.createElement('span');
      span.className = className;
      parent.append(span);
      open.push(span);
    } else if (open.length > 1) {
      open.pop();
    } else {
      return null;
    }
  }
  return open.length === 1 ? fragment : null;
}
