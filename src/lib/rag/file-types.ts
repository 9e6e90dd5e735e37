/**
 * Which files the library reads, decided by extension first (browsers report no MIME type,
 * or a wrong one, for most source files) and by MIME type when the name has no extension.
 * The kind decides how text is extracted and how it is chunked.
 */
export type DocumentKind = 'text' | 'markdown' | 'csv' | 'json' | 'html' | 'code' | 'pdf';

const BY_EXTENSION: Record<string, DocumentKind> = {
  txt: 'text',
  text: 'text',
  log: 'text',
  rst: 'text',
  adoc: 'text',
  org: 'text',
  tex: 'text',
  md: 'markdown',
  markdown: 'markdown',
  mdx: 'markdown',
  csv: 'csv',
  tsv: 'csv',
  json: 'json',
  jsonl: 'code',
  ndjson: 'code',
  geojson: 'json',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  pdf: 'pdf',
};

/** Source code and configuration: read as text, chunked at blank lines. */
const CODE_EXTENSIONS = [
  'js', 'mjs', 'cjs', 'jsx', 'ts', 'mts', 'cts', 'tsx', 'svelte', 'vue', 'astro',
  'py', 'pyi', 'rb', 'php', 'pl', 'lua', 'r', 'jl', 'dart', 'ex', 'exs', 'erl', 'hs', 'ml', 'clj', 'scala', 'groovy',
  'java', 'kt', 'kts', 'swift', 'm', 'mm', 'c', 'h', 'cc', 'cpp', 'cxx', 'hpp', 'hh', 'cs', 'fs', 'go', 'rs', 'zig', 'nim',
  'sh', 'bash', 'zsh', 'fish', 'ps1', 'bat', 'sql', 'graphql', 'gql', 'proto',
  'css', 'scss', 'sass', 'less', 'xml', 'svg', 'yaml', 'yml', 'toml', 'ini', 'cfg', 'conf', 'env', 'properties',
  'gradle', 'cmake', 'make', 'mk', 'dockerfile', 'tf', 'hcl', 'nix', 'wgsl', 'glsl',
];
for (const extension of CODE_EXTENSIONS) BY_EXTENSION[extension] = 'code';

/** Files known by their whole name rather than an extension. */
const BY_NAME: Record<string, DocumentKind> = {
  makefile: 'code',
  dockerfile: 'code',
  license: 'text',
  readme: 'text',
  changelog: 'text',
};

const BY_MIME: Array<[RegExp, DocumentKind]> = [
  [/^application\/pdf$/, 'pdf'],
  [/^text\/markdown$/, 'markdown'],
  [/^text\/(csv|tab-separated-values)$/, 'csv'],
  [/^application\/(.+\+)?json$/, 'json'],
  [/^text\/html$|^application\/xhtml\+xml$/, 'html'],
  [/^text\//, 'text'],
];

export function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/** The kind of a file, or null when the library does not read it. */
export function documentKind(name: string, mimeType = ''): DocumentKind | null {
  const extension = extensionOf(name);
  if (extension) return BY_EXTENSION[extension] ?? null;
  const base = name.slice(name.lastIndexOf('/') + 1).toLowerCase();
  return BY_NAME[base] ?? BY_MIME.find(([pattern]) => pattern.test(mimeType.toLowerCase()))?.[1] ?? null;
}

/** For the file picker's `accept` attribute. */
export const ACCEPTED_EXTENSIONS: readonly string[] = Object.keys(BY_EXTENSION).map((extension) => `.${extension}`);
