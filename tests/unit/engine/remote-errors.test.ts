import { describe, expect, test } from 'vitest';
import { httpError, networkError, parseRetryAfter, scrubSecret, serverMessage, type RequestContext } from '../../../src/lib/engine/remote-errors';
import { isRemoteModelId, remoteModelId, remoteModelName, resolveApiBase } from '../../../src/lib/engine/remote-ids';

const KEY = 'hearth-secret-key-3b1f0c7a9e';
const chat: RequestContext = { stage: 'chat', apiBase: 'http://localhost:11434/v1', model: 'llama3.2:1b', hasKey: true, apiKey: KEY };
const models: RequestContext = { stage: 'models', apiBase: 'http://localhost:11434/v1', hasKey: false, apiKey: null };
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('HTTP errors from the endpoint', () => {
  test('401 and 403 are about the key; the message says where to fix it and never contains the key', () => {
    const refused = httpError(401, chat, JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}` } }), null, NOW);
    expect(refused.code).toBe('unauthorized');
    expect(refused.message).toBe('The endpoint refused the API key (HTTP 401). Check the key under Models → Your server. The server said: “Incorrect API key provided: [API key]”');
    expect(httpError(401, models, '', null, NOW).message).toBe('The endpoint wants an API key (HTTP 401). Add it under Models → Your server.');
    expect(httpError(403, chat, '{"detail":"Forbidden"}', null, NOW)).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('HTTP 403') });
  });

  test('404 names the model for a chat, and the address for the model list', () => {
    expect(httpError(404, chat, '{"error":{"message":"model \\"llama3.2:1b\\" not found, try pulling it first"}}', null, NOW)).toMatchObject({
      code: 'not-found',
      message: 'The endpoint has no model “llama3.2:1b” (HTTP 404). Choose one it lists under Models → Your server. The server said: “model "llama3.2:1b" not found, try pulling it first”',
    });
    expect(httpError(404, models, '<html>Not Found</html>', null, NOW).message).toBe(
      'Nothing answers at http://localhost:11434/v1/models (HTTP 404). Check the address: OpenAI-compatible servers answer under /v1 (Ollama: http://localhost:11434/v1).',
    );
  });

  test('429 respects Retry-After in seconds or as a date, and carries when to retry', () => {
    const seconds = httpError(429, chat, '', '20', NOW);
    expect(seconds.code).toBe('rate-limited');
    expect(seconds.retryAt).toBe(NOW + 20_000);
    expect(seconds.message).toMatch(/^The endpoint is limiting requests \(HTTP 429\)\. It asked to wait 20 s: Hearth sends nothing to it before /);
    expect(httpError(429, chat, '', new Date(NOW + 90_000).toUTCString(), NOW).retryAt).toBe(NOW + 90_000);
    const unsaid = httpError(429, chat, '{"message":"slow down"}', null, NOW);
    expect(unsaid.retryAt).toBeUndefined();
    expect(unsaid.message).toBe('The endpoint is limiting requests (HTTP 429). Wait a little before sending again. The server said: “slow down”');
  });

  test('when Retry-After is not exposed to the page, the body’s own hint is used', () => {
    expect(httpError(429, chat, '{"error":{"message":"Rate limit reached. Please try again in 20s."}}', null, NOW).retryAt).toBe(NOW + 20_000);
    expect(httpError(429, chat, '{"error":{"message":"slow down","retry_after":7}}', null, NOW).retryAt).toBe(NOW + 7_000);
    expect(httpError(429, chat, 'Too many requests, retry after 2 minutes', null, NOW).retryAt).toBe(NOW + 120_000);
    expect(httpError(429, chat, '{"error":"Try again in 500ms"}', null, NOW).retryAt).toBe(NOW + 500);
    // The header wins when there is one.
    expect(httpError(429, chat, '{"retry_after":7}', '3', NOW).retryAt).toBe(NOW + 3_000);
  });

  test('Retry-After: garbage is ignored, the past means now, absurd waits are capped', () => {
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', NOW)).toBe(NOW);
    expect(parseRetryAfter('99999999', NOW)).toBe(NOW + 6 * 60 * 60 * 1000);
    expect(parseRetryAfter('1.5', NOW)).toBe(NOW + 1500);
  });

  test('other statuses fail the stage they happened in, with the server’s words', () => {
    expect(httpError(400, chat, '{"object":"error","message":"This model\'s maximum context length is 4096 tokens"}', null, NOW)).toMatchObject({
      code: 'generation-failed',
      message: expect.stringContaining('“This model\'s maximum context length is 4096 tokens”'),
    });
    expect(httpError(502, models, 'Bad Gateway', null, NOW)).toMatchObject({ code: 'load-failed', message: 'The endpoint failed (HTTP 502). The server said: “Bad Gateway”' });
  });

  test('the server’s message: known shapes, HTML dropped, long text cut, credentials scrubbed', () => {
    expect(serverMessage('{"error":"plain"}')).toBe('plain');
    expect(serverMessage('{"detail":[{"msg":"x"}]}')).toBeNull();
    expect(serverMessage('<!doctype html><h1>502</h1>')).toBeNull();
    expect(serverMessage('x'.repeat(500))?.length).toBe(300);
    expect(serverMessage('{"error":{"message":"bad token ghp_0123456789abcdefghijABCDEFGHIJ0123456789"}}')).toBe('bad token [GITHUB_TOKEN]');
    expect(scrubSecret(`key ${KEY} and again ${KEY}`, KEY)).toBe('key [API key] and again [API key]');
  });
});

describe('network failures', () => {
  test('CORS advice names the setting of each server, with this page’s origin', () => {
    const error = networkError('cors', chat, 'https://hearth.example');
    expect(error.code).toBe('unreachable');
    expect(error.message).toContain('http://localhost:11434 answered, but its CORS policy does not allow this page (https://hearth.example)');
    expect(error.message).toContain('OLLAMA_ORIGINS=https://hearth.example');
    expect(error.message).toContain(`--allowed-origins '["https://hearth.example"]'`);
    expect(error.message).toContain('--cors-origins https://hearth.example');
    expect(networkError('unreachable', chat, 'https://hearth.example').message).toBe('Could not reach http://localhost:11434. Is the server running, and is the address right?');
  });
});

describe('remote ids and addresses', () => {
  test('model ids', () => {
    expect(remoteModelId('llama3.2:1b')).toBe('remote:llama3.2:1b');
    expect(remoteModelName('remote:meta-llama/Llama-3.2-1B-Instruct')).toBe('meta-llama/Llama-3.2-1B-Instruct');
    expect(remoteModelName('remote:')).toBeNull();
    expect(remoteModelName('gguf:https://x/y.gguf')).toBeNull();
    expect(isRemoteModelId('Llama-3.2-1B-Instruct-q4f16_1-MLC')).toBe(false);
  });

  test('the API root for what people type for Ollama, vLLM and llama.cpp server', () => {
    expect(resolveApiBase('localhost:11434')).toEqual({ ok: true, apiBase: 'http://localhost:11434/v1', origin: 'http://localhost:11434' });
    expect(resolveApiBase(' http://127.0.0.1:8000/v1/ ')).toEqual({ ok: true, apiBase: 'http://127.0.0.1:8000/v1', origin: 'http://127.0.0.1:8000' });
    expect(resolveApiBase('gpu.example.org/openai')).toEqual({ ok: true, apiBase: 'https://gpu.example.org/openai/v1', origin: 'https://gpu.example.org' });
    expect(resolveApiBase('https://gpu.example.org/api/v2')).toMatchObject({ apiBase: 'https://gpu.example.org/api/v2' });
  });

  test('addresses that would leak a key or cannot be allowed are refused with the reason', () => {
    expect(resolveApiBase('')).toMatchObject({ ok: false });
    expect(resolveApiBase('https://user:sk-123@gpu.example')).toMatchObject({ ok: false, reason: expect.stringContaining('not in the address') });
    expect(resolveApiBase('https://gpu.example/v1?key=abc')).toMatchObject({ ok: false, reason: expect.stringContaining('query') });
    expect(resolveApiBase('http://192.168.1.20:11434')).toMatchObject({ ok: false, reason: expect.stringContaining('over https') });
    expect(resolveApiBase('ftp://gpu.example')).toMatchObject({ ok: false, reason: expect.stringContaining('http:// or https://') });
    expect(resolveApiBase('http://exa mple')).toMatchObject({ ok: false });
    expect(resolveApiBase('http://[::1]:8080')).toMatchObject({ ok: false, reason: expect.stringContaining('IPv6') });
  });
});
