/**
 * What leaves the device in an export: never a credential. Attributes whose key names a secret
 * are dropped; API keys, tokens and private keys found in any text are replaced by placeholders.
 * Traces hold none today, but remote endpoints and plugins will bring keys near them, and an
 * exported file is easy to share by mistake. Personal data (emails, phones…) is redacted too
 * only when the user asks (`redactPii`).
 */
import { redactPii, redactSecrets } from './eval/pii';
import type { AttributeValue, Attributes, TraceRecord } from './types';

/** Words that name a credential wherever they appear in a key. */
const SECRET_WORDS = new Set(['password', 'passwd', 'passphrase', 'secret', 'secrets', 'apikey', 'authorization', 'credential', 'credentials', 'cookie', 'privatekey']);
/** Words that name a credential only as the key's last word: `auth.token` is one, `first_token_ms` is not. */
const SECRET_LAST_WORDS = new Set(['token', 'auth', 'bearer', 'pwd', 'sessionid']);
const SECRET_PAIRS = new Set(['api key', 'private key', 'access key', 'secret key', 'session key', 'client secret', 'signing key', 'encryption key']);

/**
 * Does this attribute key name a credential? It is split into words (dots, dashes, underscores,
 * camelCase): `x-api-key`, `apiKey`, `remote.auth.token` and `OPENAI_API_KEY` do; `max_tokens`,
 * `gen_ai.usage.input_tokens` and `hearth.time_to_first_token_ms` do not.
 */
export function isSecretKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return (
    SECRET_LAST_WORDS.has(words.at(-1) ?? '') ||
    words.some((word, index) => SECRET_WORDS.has(word) || SECRET_PAIRS.has(`${word} ${words[index + 1] ?? ''}`))
  );
}

export interface ScrubOptions {
  /** Also replace personal data (emails, phone numbers, card numbers, IDs…) in all text. */
  redactPii?: boolean;
}

export function scrubText(text: string, options: ScrubOptions = {}): string {
  return options.redactPii ? redactPii(text) : redactSecrets(text);
}

function scrubValue(value: AttributeValue, options: ScrubOptions): AttributeValue {
  if (typeof value === 'string') return scrubText(value, options);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.map((item: string) => scrubText(item, options));
  return value;
}

export function scrubAttributes(attributes: Attributes, options: ScrubOptions = {}): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!isSecretKey(key)) out[key] = scrubValue(value, options);
  }
  return out;
}

/**
 * Strings anywhere in evaluation details, which may quote model output. Keys are kept: they are
 * the evaluators' own field names (and PII type names such as "github-token" would look secret).
 */
function scrubDetails<T>(value: T, options: ScrubOptions): T {
  if (typeof value === 'string') return scrubText(value, options) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => scrubDetails(item, options)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubDetails(item, options)])) as T;
  }
  return value;
}

/** A copy of the trace safe to export. */
export function scrubTrace(record: TraceRecord, options: ScrubOptions = {}): TraceRecord {
  const text = (value: string): string => scrubText(value, options);
  return {
    ...record,
    attributes: scrubAttributes(record.attributes, options),
    ...(record.error ? { error: { ...record.error, message: text(record.error.message) } } : {}),
    spans: record.spans.map((span) => ({
      ...span,
      attributes: scrubAttributes(span.attributes, options),
      ...(span.error ? { error: { ...span.error, message: text(span.error.message) } } : {}),
    })),
    prompt: text(record.prompt),
    completion: text(record.completion),
    ...(record.chunks ? { chunks: record.chunks.map((chunk) => ({ ...chunk, text: text(chunk.text) })) } : {}),
    ...(record.feedback?.comment !== undefined ? { feedback: { ...record.feedback, comment: text(record.feedback.comment) } } : {}),
    ...(record.evals
      ? { evals: Object.fromEntries(Object.entries(record.evals).map(([name, result]) => [name, { ...result, details: scrubDetails(result.details, options) }])) }
      : {}),
  };
}
