/**
 * A content hash to recognise the same file added twice. SHA-256 where the browser offers it
 * (secure contexts: https and localhost); on a plain-http page `crypto.subtle` is missing, and
 * a 64-bit FNV-1a (two 32-bit lanes) is plenty to tell files apart.
 */
export async function contentHash(bytes: Uint8Array): Promise<string> {
  if (globalThis.crypto?.subtle) {
    // Copied into a plain ArrayBuffer: `digest` rejects views on shared or oversized buffers.
    const digest = await crypto.subtle.digest('SHA-256', bytes.slice().buffer);
    return `sha256:${hex(new Uint8Array(digest))}`;
  }
  let low = 0x811c9dc5;
  let high = 0x01000193;
  for (const byte of bytes) {
    low = Math.imul(low ^ byte, 0x01000193) >>> 0;
    high = Math.imul(high ^ low, 0x01000193) >>> 0;
  }
  return `fnv:${bytes.length.toString(16)}:${high.toString(16).padStart(8, '0')}${low.toString(16).padStart(8, '0')}`;
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
