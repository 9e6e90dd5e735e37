/**
 * GGUF model ids: `gguf:<url>` for a downloaded model and `gguf:local:<file name>` for a file
 * the user opened from disk; a split model is named by its first part. Kept apart from gguf.ts
 * so the catalog and the UI can tell GGUF models from MLC ones without loading wllama.
 */
export const GGUF_PREFIX = 'gguf:';
export const LOCAL_PREFIX = 'local:';

export type GgufSource = { kind: 'url'; url: string } | { kind: 'local'; file: string };

export function isGgufModelId(modelId: string): boolean {
  return modelId.startsWith(GGUF_PREFIX);
}

export function parseGgufModelId(modelId: string): GgufSource | null {
  if (!isGgufModelId(modelId)) return null;
  const rest = modelId.slice(GGUF_PREFIX.length);
  if (rest.startsWith(LOCAL_PREFIX)) {
    const file = rest.slice(LOCAL_PREFIX.length);
    return file ? { kind: 'local', file } : null;
  }
  try {
    const url = new URL(rest, globalThis.location?.href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? { kind: 'url', url: url.href } : null;
  } catch {
    return null;
  }
}

/** Opened files are stored under a URL of their own, which is never fetched. */
export function localFileKey(fileName: string): string {
  return `https://local.hearth.invalid/${encodeURIComponent(fileName)}`;
}

const SPLIT = /-(\d{5})-of-(\d{5})\.gguf$/i;

/** `model-00001-of-00003.gguf` (a URL or a file name) → all three parts, in order; anything else → itself. */
export function ggufSplitParts(nameOrUrl: string): string[] {
  const match = SPLIT.exec(nameOrUrl);
  if (!match?.[2]) return [nameOrUrl];
  const count = Number(match[2]);
  return Array.from({ length: count }, (_, index) =>
    nameOrUrl.replace(SPLIT, `-${String(index + 1).padStart(5, '0')}-of-${match[2]}.gguf`),
  );
}

/** The files a model is stored as, as the URLs its cache entries are named after. */
export function ggufFileKeys(modelId: string): string[] {
  const source = parseGgufModelId(modelId);
  if (!source) return [];
  return source.kind === 'local' ? ggufSplitParts(source.file).map(localFileKey) : ggufSplitParts(source.url);
}

/** A short name for people: the file name. */
export function ggufDisplayName(modelId: string): string {
  const source = parseGgufModelId(modelId);
  if (!source) return modelId;
  const first = source.kind === 'local' ? source.file : (source.url.split('/').pop() ?? source.url);
  return decodeURIComponent(first).replace(/-00001-of-\d{5}(?=\.gguf$)/i, '');
}

/** A Hugging Face repository and file → the download URL. */
export function huggingFaceUrl(repo: string, file: string, revision = 'main'): string {
  return `https://huggingface.co/${repo.replace(/^\/+|\/+$/g, '')}/resolve/${revision}/${file.replace(/^\/+/, '')}`;
}
