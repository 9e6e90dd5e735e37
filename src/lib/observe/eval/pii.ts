/**
 * **PII detection** — finds personal data and secrets in text, and redacts them.
 *
 * Each detector is a pattern plus, where one exists, the check a real value must pass, so that
 * look-alikes are not flagged:
 *
 * - email: local@domain.tld with a letter-only TLD of 2+ letters (so `vite@8.3.8` is not one);
 * - phone: international `+CC …` numbers with 8–15 digits (E.164); North American
 *   `(415) 555-2671` / `415-555-2671` / `415.555.2671` with valid area and exchange codes (2–9
 *   first); national numbers with a trunk 0 (`020 7946 0958`, `06 12 34 56 78`) of 10–11 digits;
 * - credit-card: 13–19 digits, optionally grouped by one kind of separator, that pass the
 *   **Luhn** check and fall in a real issuer range (Visa, Mastercard, Amex, Discover, JCB,
 *   Diners, UnionPay) with that issuer's length;
 * - iban: country code + check digits, exactly the registry length for that country, passing the
 *   **ISO 7064 mod-97** check (upper case, with or without spaces);
 * - us-ssn: `AAA-GG-SSSS` (or spaces) outside the never-issued ranges (area 000, 666, 900–999,
 *   group 00, serial 0000);
 * - uk-nino: two prefix letters from the allowed sets (not BG, GB, KN, NK, NT, TN, ZZ), six
 *   digits, suffix A–D;
 * - es-dni: Spanish DNI (8 digits + letter) or NIE (X/Y/Z + 7 digits + letter) whose letter
 *   matches the mod-23 check;
 * - secrets: AWS access key ids (AKIA/ASIA… + 16), GitHub tokens (ghp_/gho_/ghu_/ghs_/ghr_,
 *   github_pat_), OpenAI-style `sk-` keys (with a 16+ character random run containing letters
 *   and digits), JSON Web Tokens, `Bearer` tokens and `api_key=`/`secret:`/`token=`… values of
 *   16+ characters with letters, digits and at least 3.5 bits of entropy per character, and
 *   PEM/OpenSSH/PGP private key blocks.
 *
 * Where findings overlap, the more specific detector wins (secrets, then IBAN, card, IDs,
 * email, phone). Limits: patterns, not understanding. Unseparated 9-digit SSNs, national formats
 * not listed, lower-case IBANs, weak passwords (`password: hunter2`), names and addresses are
 * not found; a Luhn-valid number in an issuer range (say an order number) is reported as a card.
 */
import { cardBrand, IBAN_LENGTHS, ibanMod97, luhn, validSpanishId, validSsn } from './checksums';
import { entropy } from './text';

export type PiiType =
  | 'email'
  | 'phone'
  | 'credit-card'
  | 'iban'
  | 'us-ssn'
  | 'uk-nino'
  | 'es-dni'
  | 'aws-access-key'
  | 'github-token'
  | 'openai-key'
  | 'jwt'
  | 'bearer-token'
  | 'secret'
  | 'private-key';

export interface PiiFinding {
  type: PiiType;
  /** UTF-16 offsets into the text, end exclusive. */
  start: number;
  end: number;
  /** Enough to recognise the value, never enough to use it. */
  preview: string;
}

/** What a finding becomes in redacted text. */
export const PII_PLACEHOLDERS: Readonly<Record<PiiType, string>> = {
  email: '[EMAIL]',
  phone: '[PHONE]',
  'credit-card': '[CREDIT_CARD]',
  iban: '[IBAN]',
  'us-ssn': '[SSN]',
  'uk-nino': '[NINO]',
  'es-dni': '[DNI]',
  'aws-access-key': '[AWS_KEY]',
  'github-token': '[GITHUB_TOKEN]',
  'openai-key': '[API_KEY]',
  jwt: '[TOKEN]',
  'bearer-token': '[TOKEN]',
  secret: '[SECRET]',
  'private-key': '[PRIVATE_KEY]',
};

/** Credentials rather than personal data: stripped from every export, whatever the user chose. */
export const SECRET_TYPES: ReadonlySet<PiiType> = new Set(['aws-access-key', 'github-token', 'openai-key', 'jwt', 'bearer-token', 'secret', 'private-key']);

interface Detector {
  type: PiiType;
  find(text: string): Array<[start: number, end: number]>;
  preview(value: string): string;
}

/** A regex detector; `group` picks the part that is the finding (e.g. the token after "Bearer "). */
function pattern(source: RegExp, accept: (value: string) => boolean = () => true, group = 0): Detector['find'] {
  const regex = new RegExp(source.source, `${source.flags.replace(/[gd]/g, '')}gd`);
  return (text) => {
    const found: Array<[number, number]> = [];
    for (const match of text.matchAll(regex)) {
      const span = match.indices?.[group];
      if (span && accept(text.slice(span[0], span[1]))) found.push([span[0], span[1]]);
    }
    return found;
  };
}

const digitsOf = (value: string): string => value.replace(/\D/g, '');
const hasLetterAndDigit = (value: string): boolean => /[A-Za-z]/.test(value) && /\d/.test(value);
const looksRandom = (value: string): boolean => value.length >= 16 && hasLetterAndDigit(value) && entropy(value) >= 3.5;

/** Masks letters and digits, keeping the first `start` and the last `end` of them. */
function mask(value: string, start: number, end: number): string {
  const total = value.replace(/[^A-Za-z0-9]/g, '').length;
  let seen = 0;
  return value.replace(/[A-Za-z0-9]/g, (char) => (seen++ < start || seen > total - end ? char : '*'));
}
const secretPreview = (prefix: string) => (value: string) => `${value.slice(0, prefix.length)}… (${value.length} chars)`;

/** In priority order: where findings overlap, the earlier detector wins. */
const DETECTORS: readonly Detector[] = [
  {
    type: 'private-key',
    find: pattern(/-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)?/),
    preview: (value) => `${value.slice(0, value.indexOf('-----', 5) + 5)}… (${value.length} chars)`,
  },
  { type: 'jwt', find: pattern(/(?<![\w-])eyJ[\w-]{6,}\.eyJ[\w-]{6,}\.[\w-]{6,}/), preview: secretPreview('eyJ') },
  {
    type: 'github-token',
    find: pattern(/(?<!\w)(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_\w{22,255})(?!\w)/),
    preview: (value) => secretPreview(value.startsWith('github_pat_') ? 'github_pat_' : 'ghp_')(value),
  },
  { type: 'aws-access-key', find: pattern(/(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])/), preview: secretPreview('AKIA') },
  {
    type: 'openai-key',
    // The random part has a long unbroken run; slugs such as "sk-2024-roadmap-notes" do not.
    find: pattern(/(?<![\w-])sk-[\w-]{20,}(?![\w-])/, (value) => value.split(/[-_]/).some((run) => run.length >= 16 && hasLetterAndDigit(run))),
    preview: secretPreview('sk-'),
  },
  { type: 'bearer-token', find: pattern(/\bBearer\s+([\w\-.~+/]{16,}=*)/, looksRandom, 1), preview: secretPreview('') },
  {
    type: 'secret',
    find: pattern(
      /(?<![A-Za-z0-9])(?:api[_-]?key|apikey|secret(?:[_-]?key)?|client[_-]?secret|(?:access|auth|refresh)[_-]?token|token|password|passwd)["']?\s*[:=]\s*["']?([\w\-.~+/=!@#$%^&*]{16,})/i,
      looksRandom,
      1,
    ),
    preview: secretPreview(''),
  },
  { type: 'iban', find: findIbans, preview: (value) => mask(value, 2, 4) },
  {
    type: 'credit-card',
    find: pattern(/(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d])/, (value) => {
      const digits = digitsOf(value);
      // One kind of separator at most: "4111 1111-1111 1111" is more likely two numbers.
      return new Set(value.replace(/\d/g, '')).size <= 1 && luhn(digits) && cardBrand(digits) !== null;
    }),
    preview: (value) => mask(value, 0, 4),
  },
  {
    type: 'us-ssn',
    find: pattern(/(?<![\d-])\d{3}([- ])\d{2}\1\d{4}(?![\d-])/, (value) => {
      const [area = '', group = '', serial = ''] = value.split(/[- ]/);
      return validSsn(area, group, serial);
    }),
    preview: (value) => mask(value, 0, 2),
  },
  {
    type: 'uk-nino',
    find: pattern(/(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])/),
    preview: (value) => mask(value, 0, 1),
  },
  {
    type: 'es-dni',
    find: pattern(/(?<![A-Za-z0-9-])[XYZ]?-?\d{7,8}-?[A-Z](?![A-Za-z0-9])/, (value) => validSpanishId(value.replace(/-/g, ''))),
    preview: (value) => mask(value, 0, 1),
  },
  {
    type: 'email',
    find: pattern(/(?<![\w.%+-])[A-Za-z0-9][\w.%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/),
    preview: (value) => {
      const [local = '', domain = ''] = value.split('@');
      const tld = domain.slice(domain.lastIndexOf('.'));
      return `${local[0] ?? ''}***@${domain[0] ?? ''}***${tld}`;
    },
  },
  {
    type: 'phone',
    find: (text) => [
      ...pattern(/(?<![\w+])\+\d{1,3}(?:[ .-]?(?:\(\d{1,4}\)|\d{1,5})){1,6}(?!\w)/, (value) => between(digitsOf(value).length, 8, 15))(text),
      ...pattern(/(?<![\w+(.-])(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[-. ])[2-9]\d{2}[-. ]\d{4}(?!\w|[.-]\d)/)(text),
      ...pattern(/(?<![\w+.,/-])0\d{1,10}(?:[ -]\d{2,8}){0,4}(?!\w|[.,/-]\d)/, (value) => between(digitsOf(value).length, 10, 11))(text),
    ],
    preview: (value) => mask(value, 0, 2),
  },
];

const between = (value: number, min: number, max: number): boolean => value >= min && value <= max;

/** IBANs are scanned rather than matched, to take exactly the country's length and not the next word. */
function findIbans(text: string): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  for (const match of text.matchAll(/(?<![A-Za-z0-9])([A-Z]{2})\d{2}/g)) {
    const length = IBAN_LENGTHS[match[1] ?? ''];
    if (length === undefined) continue;
    let compact = '';
    let index = match.index;
    while (index < text.length && compact.length < length) {
      const char = text[index] ?? '';
      if (/[A-Z0-9]/.test(char)) {
        compact += char;
        index++;
      } else if (char === ' ' && compact.length > 0 && /[A-Z0-9]/.test(text[index + 1] ?? '')) index++;
      else break;
    }
    if (compact.length === length && !/[A-Za-z0-9]/.test(text[index] ?? '') && ibanMod97(compact)) found.push([match.index, index]);
  }
  return found;
}

export interface DetectOptions {
  /** Only these types; all by default. */
  types?: Iterable<PiiType>;
}

/** Every finding in `text`, in text order, none overlapping. */
export function detectPii(text: string, options: DetectOptions = {}): PiiFinding[] {
  const wanted = options.types ? new Set(options.types) : null;
  const candidates: Array<PiiFinding & { priority: number }> = [];
  DETECTORS.forEach((detector, priority) => {
    if (wanted && !wanted.has(detector.type)) return;
    for (const [start, end] of detector.find(text)) {
      candidates.push({ type: detector.type, start, end, preview: detector.preview(text.slice(start, end)), priority });
    }
  });
  candidates.sort((a, b) => a.priority - b.priority || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: PiiFinding[] = [];
  for (const { priority: _priority, ...candidate } of candidates) {
    if (kept.every((other) => candidate.end <= other.start || candidate.start >= other.end)) kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * `text` with every finding replaced by its typed placeholder (`[EMAIL]`, `[CREDIT_CARD]`, …).
 * Meant for prompts about to leave the device (a remote endpoint) and for shared exports.
 */
export function redactPii(text: string, options: DetectOptions = {}): string {
  let out = '';
  let cursor = 0;
  for (const finding of detectPii(text, options)) {
    out += text.slice(cursor, finding.start) + PII_PLACEHOLDERS[finding.type];
    cursor = finding.end;
  }
  return out + text.slice(cursor);
}

/** Redacts credentials only (API keys, tokens, private keys), keeping personal data as it is. */
export const redactSecrets = (text: string): string => redactPii(text, { types: SECRET_TYPES });
