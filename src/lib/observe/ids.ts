/**
 * Trace and span ids in OpenTelemetry's format: 16 and 8 random bytes as lowercase hex.
 * All-zero ids are invalid in OTLP, so they are drawn again (a 1 in 2^64 event, but cheap to rule out).
 */
function randomHex(bytes: number): string {
  const buffer = new Uint8Array(bytes);
  do crypto.getRandomValues(buffer);
  while (buffer.every((byte) => byte === 0));
  return Array.from(buffer, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export const newTraceId = (): string => randomHex(16);
export const newSpanId = (): string => randomHex(8);

export const isTraceId = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{32}$/.test(value) && !/^0+$/.test(value);
export const isSpanId = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{16}$/.test(value) && !/^0+$/.test(value);
