/**
 * Cache keys: SHA-256 (WebCrypto, in browsers and Node 20) over a canonical JSON form, so the
 * same request always gives the same key however its objects were built.
 */
import type { ChatRequest, EngineKind } from '../engine/protocol';

/** Bumped when the key's layout changes, so old entries are simply never found again. */
const KEY_VERSION = 1;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON with object keys sorted at every depth; properties that are undefined are left out, as JSON does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    isPlainObject(item) ? Object.fromEntries(Object.keys(item).sort().map((key) => [key, item[key]])) : item,
  );
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export interface CacheKeyInput {
  /** The demo engine can pretend to run any catalog model, so the engine is part of the key. */
  engine: EngineKind;
  model: string;
  /** The whole request: every message, the sampling settings, and any field added later (e.g. a response format). */
  request: ChatRequest;
  /** The prompt template's version, once templates exist; absent and undefined are the same. */
  templateVersion?: string | undefined;
}

export function responseCacheKey(input: CacheKeyInput): Promise<string> {
  const { engine, model, request, templateVersion } = input;
  return sha256Hex(canonicalJson({ v: KEY_VERSION, engine, model, request, templateVersion }));
}
