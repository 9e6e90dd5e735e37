import { entries } from 'idb-keyval';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_SAMPLING } from '../../../src/lib/config';
import { Endpoint, type EndpointDraft } from '../../../src/lib/endpoint/endpoint.svelte';
import { isEngineError } from '../../../src/lib/engine/protocol';
import { EndpointRepository } from '../../../src/lib/storage/endpoint';
import { OpenAiMock } from '../../fixtures/openai-mock';
import { freshStore } from '../helpers';

const KEY = 'sk-proj-Zx81Qw72Er63Ty54Ui45Op36As27Df18';
let mock: OpenAiMock;

beforeAll(async () => {
  mock = await OpenAiMock.start({ apiKey: KEY });
});

afterAll(async () => {
  await mock?.close();
});

function setup(allowedOrigin: string | null = null) {
  const store = freshStore('endpoint');
  const mirrored: Array<string | null> = [];
  const open = (allowed = allowedOrigin) => new Endpoint({ repo: new EndpointRepository(store), allowedOrigin: allowed, mirror: (origin) => mirrored.push(origin) });
  return { store, mirrored, open, endpoint: open() };
}

const draft = (overrides: Partial<EndpointDraft> = {}): EndpointDraft => ({ address: mock.origin, apiKey: '', passphrase: '', timeoutSeconds: 30, piiPolicy: 'off', ...overrides });

describe('Endpoint', () => {
  test('a new endpoint needs a reload before the page may connect to it; the origin is mirrored for the CSP', async () => {
    const { endpoint, mirrored, open } = setup();
    expect(await endpoint.save(draft({ apiKey: KEY }))).toEqual({
      ok: true,
      message: 'Saved. The key is stored unencrypted in this browser: add a passphrase to protect it.',
    });
    expect(mirrored).toEqual([mock.origin]);
    expect(endpoint.needsReload).toBe(true);
    const refused = await endpoint.connection().catch((error: unknown) => error);
    expect(isEngineError(refused, 'unreachable') && refused.message).toMatch(/^Reload Hearth to connect to http:\/\/127\.0\.0\.1:\d+/);

    // After the reload, the page allows it.
    const reloaded = open(mock.origin);
    await reloaded.load();
    expect(reloaded.keyState).toBe('plain');
    expect(await reloaded.connection()).toEqual({ apiBase: `${mock.origin}/v1`, apiKey: KEY, timeoutMs: 30_000 });
    await reloaded.test();
    expect(reloaded.models.map((model) => model.id)).toEqual(['mock-llama', 'mock-small']);
    expect(reloaded.status).toEqual({ tone: 'ok', message: `Connected to ${mock.origin}: 2 models.` });
  });

  test('with a passphrase the key is sealed: not in storage in plain text, locked after a reload until the passphrase is given', async () => {
    const { endpoint, store, open } = setup(null);
    await endpoint.save(draft({ apiKey: KEY, passphrase: 'correct horse battery' }));
    expect(endpoint.keyState).toBe('unlocked');
    const stored = JSON.stringify(await entries(store));
    expect(stored).toContain('hearth-sealed-secret');
    expect(stored).not.toContain(KEY);
    expect(stored).not.toContain('correct horse');

    const reloaded = open(mock.origin);
    await reloaded.load();
    expect(reloaded.keyState).toBe('locked');
    const locked = await reloaded.connection().catch((error: unknown) => error);
    expect(isEngineError(locked, 'unauthorized') && locked.message).toBe('The API key is locked. Enter its passphrase under Models → Your server.');
    expect(await reloaded.unlock('wrong horse battery')).toEqual({ ok: false, message: 'Wrong passphrase.' });
    expect(reloaded.keyState).toBe('locked');
    expect((await reloaded.unlock('correct horse battery')).ok).toBe(true);
    expect((await reloaded.connection()).apiKey).toBe(KEY);
    reloaded.lock();
    expect(reloaded.keyState).toBe('locked');
  });

  test('a plain key can be sealed later, and a passphrase that is too short is refused', async () => {
    const { endpoint, store } = setup(mock.origin);
    await endpoint.save(draft({ apiKey: KEY }));
    expect(await endpoint.save(draft({ passphrase: 'short' }))).toEqual({ ok: false, message: 'A passphrase needs at least 8 characters.' });
    expect((await endpoint.save(draft({ passphrase: 'long enough now' }))).ok).toBe(true);
    expect(endpoint.keyState).toBe('unlocked');
    expect(JSON.stringify(await entries(store))).not.toContain(KEY);
    expect((await endpoint.connection()).apiKey).toBe(KEY);
  });

  test('forget key deletes it; moving to another server forgets the old server’s key', async () => {
    const { endpoint, store } = setup(mock.origin);
    await endpoint.save(draft({ apiKey: KEY }));
    await endpoint.forgetKey();
    expect(endpoint.keyState).toBe('none');
    expect(JSON.stringify(await entries(store))).not.toContain(KEY);
    expect((await endpoint.connection()).apiKey).toBeNull();

    await endpoint.save(draft({ apiKey: KEY }));
    const moved = await endpoint.save(draft({ address: 'https://gpu.example.org' }));
    expect(moved.message).toContain('The key was for the previous server, so it was forgotten.');
    expect(endpoint.keyState).toBe('none');
    expect(JSON.stringify(await entries(store))).not.toContain(KEY);
  });

  test('bad addresses are refused with the reason; nothing is stored', async () => {
    const { endpoint, store } = setup();
    expect(await endpoint.save(draft({ address: 'http://192.168.1.9:11434' }))).toMatchObject({ ok: false, message: expect.stringContaining('over https') });
    expect(await entries(store)).toEqual([]);
  });

  test('a wrong key is reported by Test connection without the key', async () => {
    const { endpoint } = setup(mock.origin);
    await endpoint.save(draft({ apiKey: 'sk-wrong-Zx81Qw72Er63Ty54Ui45Op36As27' }));
    await endpoint.test();
    expect(endpoint.status?.tone).toBe('error');
    expect(endpoint.status?.message).toMatch(/^The endpoint refused the API key \(HTTP 401\)/);
    expect(endpoint.status?.message).not.toContain('sk-wrong');
  });

  test('the PII gate applies to the remote engine only', async () => {
    const { endpoint } = setup(mock.origin);
    await endpoint.save(draft({ piiPolicy: 'block' }));
    const request = { messages: [{ role: 'user' as const, content: 'ada@example.org' }], sampling: DEFAULT_SAMPLING };
    expect(endpoint.screen({ kind: 'remote' }, request).kind).toBe('block');
    expect(endpoint.screen({ kind: 'webllm' }, request).kind).toBe('send');
    await endpoint.setPiiPolicy('redact');
    expect(endpoint.screen({ kind: 'remote' }, request)).toMatchObject({ kind: 'send', redacted: ['email'] });
  });

  test('remove forgets everything and the mirrored origin', async () => {
    const { endpoint, store, mirrored } = setup(mock.origin);
    await endpoint.save(draft({ apiKey: KEY }));
    await endpoint.remove();
    expect(endpoint.config).toBeNull();
    expect(await entries(store)).toEqual([]);
    expect(mirrored.at(-1)).toBeNull();
  });
});
