/**
 * The PII gate: what a request to the user's remote endpoint may carry. Local engines never need
 * it (nothing leaves the device); for a remote one the user chooses to send prompts as they
 * are, to replace personal data and credentials with placeholders (`[EMAIL]`, `[CREDIT_CARD]`…),
 * or to refuse to send them. Detection is the observability layer's (`detectPii`: checksums
 * such as Luhn and mod-97 keep look-alikes out); its limits are documented there.
 *
 * Every message of the request is screened — the system prompt and earlier turns too, which
 * may have been written while a local model answered.
 */
import type { ChatRequest, EngineMessage } from '../engine/protocol';
import { detectPii, redactPii, type PiiType } from '../observe/eval/pii';

export type PiiPolicy = 'off' | 'redact' | 'block';

export const PII_POLICIES: readonly PiiPolicy[] = ['off', 'redact', 'block'];

export type Screening =
  /** `redacted`: the kinds of data replaced, in order of first appearance; empty when nothing was. */
  | { kind: 'send'; request: ChatRequest; redacted: PiiType[] }
  | { kind: 'block'; found: PiiType[]; message: string };

/** What each kind of finding is, in words. */
export const PII_LABELS: Readonly<Record<PiiType, string>> = {
  email: 'an email address',
  phone: 'a phone number',
  'credit-card': 'a card number',
  iban: 'an IBAN',
  'us-ssn': 'a US social security number',
  'uk-nino': 'a UK National Insurance number',
  'es-dni': 'a Spanish ID number',
  'aws-access-key': 'an AWS access key',
  'github-token': 'a GitHub token',
  'openai-key': 'an API key',
  jwt: 'an access token',
  'bearer-token': 'an access token',
  secret: 'a password or secret',
  'private-key': 'a private key',
};

export function screenRequest(request: ChatRequest, policy: PiiPolicy): Screening {
  if (policy === 'off') return { kind: 'send', request, redacted: [] };
  const found = request.messages.map((message) => detectPii(message.content).map((finding) => finding.type));
  const all = unique(found.flat());
  if (all.length === 0) return { kind: 'send', request, redacted: [] };
  if (policy === 'redact') {
    return { kind: 'send', request: { ...request, messages: request.messages.map((message) => ({ ...message, content: redactPii(message.content) })) }, redacted: all };
  }
  return { kind: 'block', found: all, message: blockMessage(request.messages, found) };
}

/** "a, b and c". */
export function listLabels(types: readonly PiiType[]): string {
  const labels = unique(types.map((type) => PII_LABELS[type]));
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}

function blockMessage(messages: readonly EngineMessage[], found: PiiType[][]): string {
  const last = messages.length - 1;
  const where: string[] = [];
  if (found[last]?.length) where.push(`your message contains ${listLabels(found[last])}`);
  const earlier = found.flatMap((types, index) => (index !== last && messages[index]?.role !== 'system' ? types : []));
  if (earlier.length) where.push(`earlier messages in this conversation contain ${listLabels(earlier)}`);
  const system = found.flatMap((types, index) => (messages[index]?.role === 'system' ? types : []));
  // The system message also carries passages from attached documents (RAG).
  if (system.length) where.push(`the system prompt or the passages from attached documents contain ${listLabels(system)}`);
  return (
    `Not sent: ${where.join(', and ')}, and your privacy setting keeps personal data from leaving this device for your server. ` +
    'Remove it and send again, or change “Personal data” under Models → Your server.'
  );
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
