/**
 * Sealing the endpoint's API key with a passphrase (WebCrypto): PBKDF2-HMAC-SHA-256 turns the
 * passphrase and a random 16-byte salt into an AES-256-GCM key, which encrypts the secret under
 * a random 12-byte IV. The envelope is versioned and self-describing, and its parameters
 * (version, iterations, salt) are bound to the ciphertext as additional authenticated data, so
 * an envelope edited to weaken them fails to open rather than opening weakly.
 *
 * 600,000 iterations: OWASP's current figure for PBKDF2-HMAC-SHA-256 (the floor accepted when
 * opening is 310,000, its earlier one). The derived key is non-extractable and lives only for
 * one seal or open; nothing here is stored or logged.
 */
export const ENVELOPE_FORMAT = 'hearth-sealed-secret';
export const ENVELOPE_VERSION = 1;
export const PBKDF2_ITERATIONS = 600_000;
export const MIN_ITERATIONS = 310_000;
/** Above this, opening would freeze the page for minutes: the envelope is not one of ours. */
const MAX_ITERATIONS = 10_000_000;

export interface SealedSecret {
  format: typeof ENVELOPE_FORMAT;
  version: typeof ENVELOPE_VERSION;
  kdf: { name: 'PBKDF2'; hash: 'SHA-256'; iterations: number; salt: string };
  cipher: { name: 'AES-GCM'; iv: string };
  /** Base64 of the AES-GCM output (ciphertext and 16-byte tag). */
  ciphertext: string;
}

/** The passphrase does not open this envelope (or the envelope was altered: AES-GCM cannot tell which). */
export class WrongPassphraseError extends Error {
  override readonly name = 'WrongPassphraseError';
  constructor() {
    super('Wrong passphrase.');
  }
}

export class EnvelopeFormatError extends Error {
  override readonly name = 'EnvelopeFormatError';
}

export async function seal(secret: string, passphrase: string, options: { iterations?: number } = {}): Promise<SealedSecret> {
  const iterations = options.iterations ?? PBKDF2_ITERATIONS;
  if (iterations < MIN_ITERATIONS) throw new EnvelopeFormatError(`At least ${MIN_ITERATIONS} PBKDF2 iterations are required.`);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const header = { format: ENVELOPE_FORMAT, version: ENVELOPE_VERSION, kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: toBase64(salt) }, cipher: { name: 'AES-GCM', iv: toBase64(iv) } } as const;
  const key = await deriveKey(passphrase, salt, iterations);
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: associatedData(header.kdf) }, key, new TextEncoder().encode(secret));
  return { ...header, ciphertext: toBase64(new Uint8Array(sealed)) };
}

/** The secret inside; throws WrongPassphraseError, or EnvelopeFormatError for something that is not an envelope we can open. */
export async function open(envelope: unknown, passphrase: string): Promise<string> {
  if (!isSealedSecret(envelope)) throw new EnvelopeFormatError('The stored key is not in a format this version of Hearth can open.');
  const { kdf, cipher } = envelope;
  const key = await deriveKey(passphrase, fromBase64(kdf.salt), kdf.iterations);
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(cipher.iv), additionalData: associatedData(kdf) }, key, fromBase64(envelope.ciphertext));
    return new TextDecoder().decode(plain);
  } catch {
    throw new WrongPassphraseError();
  }
}

export function isSealedSecret(value: unknown): value is SealedSecret {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Partial<SealedSecret>;
  return (
    record.format === ENVELOPE_FORMAT &&
    record.version === ENVELOPE_VERSION &&
    record.kdf?.name === 'PBKDF2' &&
    record.kdf.hash === 'SHA-256' &&
    Number.isInteger(record.kdf.iterations) &&
    record.kdf.iterations >= MIN_ITERATIONS &&
    record.kdf.iterations <= MAX_ITERATIONS &&
    isBase64(record.kdf.salt, 16) &&
    record.cipher?.name === 'AES-GCM' &&
    isBase64(record.cipher.iv, 12) &&
    typeof record.ciphertext === 'string' &&
    isBase64(record.ciphertext)
  );
}

async function deriveKey(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  // NFC: the same passphrase typed on another keyboard or OS gives the same bytes.
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, material, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

function associatedData(kdf: SealedSecret['kdf']): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${ENVELOPE_FORMAT}/${ENVELOPE_VERSION}/PBKDF2-SHA-256/${kdf.iterations}/${kdf.salt}/AES-GCM`);
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

function isBase64(value: unknown, bytes?: number): value is string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) return false;
  return bytes === undefined || atob(value).length === bytes;
}
