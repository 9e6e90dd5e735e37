/**
 * What went wrong talking to the user's endpoint, as `EngineError`s whose messages say what to
 * do. Pure: the engine passes in the status, headers and body it got, and the time.
 *
 * No message ever carries the API key: text from the server is scrubbed of it (some servers
 * echo a rejected key back) and of anything else that looks like a credential.
 */
import { redactSecrets } from '../observe/eval/pii';
import { EngineError } from './protocol';

/** Where the request went, for messages. */
export interface RequestContext {
  stage: 'models' | 'chat';
  apiBase: string;
  /** The server's name for the model (chat only). */
  model?: string;
  /** Whether a key was sent: a 401 without one means the server wants one. */
  hasKey: boolean;
  /** Never shown: removed from whatever the server says. */
  apiKey?: string | null;
}

/** The longest wait a server's Retry-After is believed for; beyond it, something is off. */
const MAX_RETRY_AFTER_MS = 6 * 60 * 60 * 1000;

/** Retry-After (delay-seconds or an HTTP date) → when to try again, in ms since the epoch. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  const at = /^\d+(\.\d+)?$/.test(value) ? now + Number(value) * 1000 : Date.parse(value);
  if (!Number.isFinite(at)) return undefined;
  return Math.min(Math.max(at, now), now + MAX_RETRY_AFTER_MS);
}

/**
 * When Retry-After cannot be read — a cross-origin page sees it only if the server lists it in
 * Access-Control-Expose-Headers — the body often says it instead: a `retry_after` field
 * (seconds), or words such as "Please try again in 20s".
 */
export function retryHintIn(body: string, now: number): number | undefined {
  let seconds: number | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    const found = findNumber(parsed, ['retry_after', 'retry_after_seconds', 'retryAfter']);
    if (found !== undefined) seconds = found;
  } catch {
    // Not JSON: the words may still say it.
  }
  const words = /(?:try again|retry) (?:in|after) (\d+(?:\.\d+)?)\s*(ms|milliseconds?|s|sec|seconds?|m|min|minutes?)\b/i.exec(body);
  if (seconds === undefined && words?.[1] && words[2]) {
    const unit = words[2].toLowerCase();
    seconds = Number(words[1]) * (unit.startsWith('ms') || unit.startsWith('milli') ? 0.001 : unit.startsWith('m') ? 60 : 1);
  }
  return seconds === undefined ? undefined : parseRetryAfter(String(seconds), now);
}

function findNumber(value: unknown, keys: readonly string[]): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  for (const key of keys) {
    const item = record[key];
    if (typeof item === 'number' && Number.isFinite(item) && item >= 0) return item;
  }
  for (const item of Object.values(record)) {
    const found = findNumber(item, keys);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The server's own explanation, from the error shapes OpenAI-compatible servers use; scrubbed, short. */
export function serverMessage(body: string, apiKey?: string | null): string | null {
  let text = body.trim();
  try {
    const parsed: unknown = JSON.parse(text);
    text = messageIn(parsed) ?? '';
  } catch {
    // Not JSON: a proxy's HTML page says nothing useful; plain text may.
    if (/^</.test(text)) text = '';
  }
  text = scrubSecret(text.replace(/\s+/g, ' ').trim(), apiKey);
  if (!text) return null;
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/** `{error: {message}}` (OpenAI, Ollama, llama.cpp), `{error: "…"}`, `{message}` (vLLM), `{detail}` (FastAPI). */
function messageIn(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  for (const key of ['error', 'message', 'detail']) {
    const found = record[key] === undefined ? null : messageIn(record[key]);
    if (found) return found;
  }
  return null;
}

/** Removes the key (and anything credential-like) from text that is about to be shown or stored. */
export function scrubSecret(text: string, secret?: string | null): string {
  const without = secret && secret.length >= 4 ? text.split(secret).join('[API key]') : text;
  return redactSecrets(without);
}

const wait = (ms: number): string => {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
};

/** An HTTP error answer → an EngineError saying what to do about it. */
export function httpError(status: number, context: RequestContext, body: string, retryAfter: string | null, now: number): EngineError {
  const said = serverMessage(body, context.apiKey);
  const detail = said ? ` The server said: “${said}”` : '';
  const fallback = context.stage === 'models' ? 'load-failed' : 'generation-failed';
  switch (status) {
    case 401:
      return new EngineError(
        'unauthorized',
        context.hasKey
          ? `The endpoint refused the API key (HTTP 401). Check the key under Models → Your server.${detail}`
          : `The endpoint wants an API key (HTTP 401). Add it under Models → Your server.${detail}`,
      );
    case 403:
      return new EngineError('unauthorized', `The endpoint refused access (HTTP 403): the API key may not be allowed to use this.${detail}`);
    case 404:
      return new EngineError(
        'not-found',
        context.stage === 'chat' && context.model
          ? `The endpoint has no model “${context.model}” (HTTP 404). Choose one it lists under Models → Your server.${detail}`
          : `Nothing answers at ${context.apiBase}/models (HTTP 404). Check the address: OpenAI-compatible servers answer under /v1 (Ollama: http://localhost:11434/v1).${detail}`,
      );
    case 429: {
      const retryAt = parseRetryAfter(retryAfter, now) ?? retryHintIn(body, now);
      const when =
        retryAt === undefined
          ? 'Wait a little before sending again.'
          : `It asked to wait ${wait(retryAt - now)}: Hearth sends nothing to it before ${new Date(retryAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })}.`;
      return new EngineError('rate-limited', `The endpoint is limiting requests (HTTP 429). ${when}${detail}`, { retryAt });
    }
    case 400:
    case 413:
    case 422:
      return new EngineError(fallback, `The endpoint rejected the request (HTTP ${status}); a conversation longer than the server’s context window is a common cause.${detail}`);
    default:
      return new EngineError(fallback, `The endpoint failed (HTTP ${status}).${detail}`);
  }
}

/**
 * A fetch that failed without an answer. Browsers do not say why (by design), so the engine
 * probes the server without CORS: an opaque answer means it is up and its CORS policy refused
 * this page; no answer means it could not be reached at all.
 */
export function networkError(kind: 'cors' | 'unreachable', context: RequestContext, pageOrigin: string): EngineError {
  const origin = new URL(context.apiBase).origin;
  if (kind === 'cors') {
    return new EngineError(
      'unreachable',
      `${origin} answered, but its CORS policy does not allow this page (${pageOrigin}). Allow it on the server: ` +
        `Ollama: set OLLAMA_ORIGINS=${pageOrigin} before “ollama serve”; ` +
        `vLLM: --allowed-origins '["${pageOrigin}"]' (it allows every origin unless told otherwise); ` +
        `llama.cpp server: --cors-origins ${pageOrigin} if it was started with a narrower list. ` +
        `Behind a proxy, the proxy must answer the OPTIONS preflight, allow the Authorization and Content-Type headers, and expose Retry-After.`,
    );
  }
  return new EngineError('unreachable', `Could not reach ${origin}. Is the server running, and is the address right?`);
}

export function timeoutError(stage: 'start' | 'between-chunks', seconds: number, origin: string): EngineError {
  return new EngineError(
    'timeout',
    stage === 'start'
      ? `${origin} did not start answering within ${seconds} s. A server loading a big model can take longer: raise the timeout under Models → Your server, or retry.`
      : `${origin} sent nothing for ${seconds} s in the middle of the answer, so Hearth stopped waiting. The text that arrived is kept; Retry asks again.`,
  );
}

/** An error object the server put in the stream itself (vLLM, llama.cpp do when generation fails). */
export function streamError(origin: string, error: unknown, apiKey?: string | null): EngineError {
  const said = serverMessage(JSON.stringify({ error }), apiKey);
  return new EngineError('generation-failed', `${origin} stopped the answer with an error${said ? `: “${said}”` : '.'} The text that arrived is kept.`);
}

export function disconnectedError(origin: string): EngineError {
  return new EngineError('disconnected', `The connection to ${origin} dropped in the middle of the answer. The text that arrived is kept; Retry asks again.`);
}
