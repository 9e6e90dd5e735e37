/**
 * The page's second Content-Security-Policy, narrowing `connect-src` to exactly the configured
 * endpoint origin (the design is in config/csp.ts). Written once per page load, before any code
 * connects anywhere; the origin it allows is remembered as `allowedEndpointOrigin()`, and an
 * endpoint configured since then needs a reload (`Endpoint.needsReload`).
 *
 * The origin comes from localStorage because this must happen synchronously at startup; only
 * the origin is kept there, never the key, and it is re-checked before it goes into the policy
 * so that a tampered value cannot widen it (a space or `;` would add sources or directives).
 */
import { endpointConnectPolicy } from '../../../config/csp';

export const ORIGIN_MIRROR_KEY = 'hearth:endpoint-origin';

let allowed: string | null = null;

/** The endpoint origin this page's policy lets it connect to, or null. */
export const allowedEndpointOrigin = (): string | null => allowed;

/** A serialized http(s) origin with nothing else in it, or null. */
export function cleanOrigin(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 300) return null;
  try {
    const url = new URL(value);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== value) return null;
    return /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(value) ? value : null;
  } catch {
    return null;
  }
}

export function readMirroredOrigin(storage: Pick<Storage, 'getItem'> | null): string | null {
  try {
    return cleanOrigin(storage?.getItem(ORIGIN_MIRROR_KEY) ?? null);
  } catch {
    // Storage can be disabled (privacy settings): then no endpoint origin is allowed.
    return null;
  }
}

export function mirrorOrigin(origin: string | null, storage: Pick<Storage, 'setItem' | 'removeItem'> | null = globalThis.localStorage ?? null): void {
  try {
    if (origin) storage?.setItem(ORIGIN_MIRROR_KEY, origin);
    else storage?.removeItem(ORIGIN_MIRROR_KEY);
  } catch {
    // Not mirrored: after the next reload the page allows no endpoint, and the UI says so.
  }
}

/** Adds the narrowing policy to `document`'s head; returns the endpoint origin it allows. */
export function applyEndpointPolicy(document: Document, storage: Pick<Storage, 'getItem'> | null): string | null {
  const origin = readMirroredOrigin(storage);
  const existing = document.head.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? null;
  const meta = document.createElement('meta');
  meta.httpEquiv = 'Content-Security-Policy';
  meta.content = endpointConnectPolicy(existing, origin);
  // Only a policy in <head> counts. Removing the element later would not lift it.
  document.head.append(meta);
  allowed = origin;
  return origin;
}
