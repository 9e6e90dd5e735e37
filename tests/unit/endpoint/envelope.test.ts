import { describe, expect, test } from 'vitest';
import { EnvelopeFormatError, MIN_ITERATIONS, PBKDF2_ITERATIONS, WrongPassphraseError, isSealedSecret, open, seal } from '../../../src/lib/endpoint/envelope';

const KEY = 'sk-live-7Hq2mZ9xW4vB1nC8kL3pR6tY0uI5oA';
// The floor keeps these tests quick; the default is checked separately.
const FAST = { iterations: MIN_ITERATIONS };

describe('key envelope (PBKDF2 + AES-GCM)', () => {
  test('round trip; the envelope holds no trace of the key or the passphrase', async () => {
    const envelope = await seal(KEY, 'correct horse battery staple', FAST);
    expect(envelope).toMatchObject({ format: 'hearth-sealed-secret', version: 1, kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations: MIN_ITERATIONS }, cipher: { name: 'AES-GCM' } });
    const stored = JSON.stringify(envelope);
    expect(stored).not.toContain(KEY);
    expect(stored).not.toContain(btoa(KEY));
    expect(stored).not.toContain('horse');
    expect(await open(JSON.parse(stored), 'correct horse battery staple')).toBe(KEY);
  });

  test('a wrong passphrase is refused, not answered with garbage', async () => {
    const envelope = await seal(KEY, 'the right one', FAST);
    await expect(open(envelope, 'the wrong one')).rejects.toBeInstanceOf(WrongPassphraseError);
    await expect(open(envelope, '')).rejects.toThrow('Wrong passphrase.');
  });

  test('salt and IV are fresh for every seal', async () => {
    const [first, second] = await Promise.all([seal(KEY, 'same', FAST), seal(KEY, 'same', FAST)]);
    expect(first.kdf.salt).not.toBe(second.kdf.salt);
    expect(first.cipher.iv).not.toBe(second.cipher.iv);
    expect(first.ciphertext).not.toBe(second.ciphertext);
  });

  test('an altered envelope does not open: ciphertext, IV, or parameters bound as associated data', async () => {
    const envelope = await seal(KEY, 'pass phrase', FAST);
    const flipped = atob(envelope.ciphertext);
    const ciphertext = btoa(String.fromCharCode(flipped.charCodeAt(0) ^ 1) + flipped.slice(1));
    await expect(open({ ...envelope, ciphertext }, 'pass phrase')).rejects.toBeInstanceOf(WrongPassphraseError);
    // A different iteration count changes the derived key and the associated data.
    await expect(open({ ...envelope, kdf: { ...envelope.kdf, iterations: MIN_ITERATIONS + 1 } }, 'pass phrase')).rejects.toBeInstanceOf(WrongPassphraseError);
  });

  test('weak or foreign envelopes are not opened at all', async () => {
    const envelope = await seal(KEY, 'pass phrase', FAST);
    expect(isSealedSecret(envelope)).toBe(true);
    await expect(open({ ...envelope, kdf: { ...envelope.kdf, iterations: 1000 } }, 'pass phrase')).rejects.toBeInstanceOf(EnvelopeFormatError);
    await expect(open({ ...envelope, version: 2 }, 'pass phrase')).rejects.toBeInstanceOf(EnvelopeFormatError);
    await expect(open({ ...envelope, cipher: { ...envelope.cipher, iv: 'AAAA' } }, 'pass phrase')).rejects.toBeInstanceOf(EnvelopeFormatError);
    await expect(open(KEY, 'pass phrase')).rejects.toBeInstanceOf(EnvelopeFormatError);
    await expect(seal(KEY, 'x', { iterations: 1000 })).rejects.toBeInstanceOf(EnvelopeFormatError);
  });

  test('the same passphrase in another Unicode normal form opens it; the default cost is 600k iterations', async () => {
    const envelope = await seal(KEY, 'caf\u00e9 au lait');
    expect(envelope.kdf.iterations).toBe(PBKDF2_ITERATIONS);
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(310_000);
    expect(await open(envelope, 'cafe\u0301 au lait')).toBe(KEY);
  });
});
