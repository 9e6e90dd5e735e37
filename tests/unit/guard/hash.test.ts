import { describe, expect, test } from 'vitest';
import { DEFAULT_SAMPLING } from '../../../src/lib/config';
import type { ChatRequest } from '../../../src/lib/engine/protocol';
import { canonicalJson, responseCacheKey, sha256Hex } from '../../../src/lib/guard/hash';

const request: ChatRequest = {
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
  ],
  sampling: { ...DEFAULT_SAMPLING, temperature: 0 },
};
const base = { engine: 'webllm', model: 'Llama-3.2-1B-Instruct-q4f16_1-MLC', request } as const;

describe('hashing', () => {
  test('SHA-256 through WebCrypto matches the known digest', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('canonical JSON sorts keys at every depth, keeps array order and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  test('the key does not depend on the order of object keys', async () => {
    const reordered = {
      request: {
        sampling: Object.fromEntries(Object.entries(request.sampling).reverse()) as ChatRequest['sampling'],
        messages: request.messages.map((message) => ({ content: message.content, role: message.role })),
      },
      model: base.model,
      engine: base.engine,
    };
    expect(await responseCacheKey(reordered)).toBe(await responseCacheKey(base));
  });

  test('an absent template version and an undefined one are the same key', async () => {
    expect(await responseCacheKey({ ...base, templateVersion: undefined })).toBe(await responseCacheKey(base));
  });

  test('the key changes with the model, the engine, any message, any sampling setting and the template version', async () => {
    const key = await responseCacheKey(base);
    const variants = [
      { ...base, model: 'Qwen2.5-0.5B-Instruct-q4f16_1-MLC' },
      { ...base, engine: 'scripted' as const },
      { ...base, request: { ...request, messages: [...request.messages, { role: 'user' as const, content: 'more' }] } },
      { ...base, request: { ...request, messages: [{ role: 'system' as const, content: 'Be brief!' }, { role: 'user' as const, content: 'Hi' }] } },
      { ...base, request: { ...request, sampling: { ...request.sampling, seed: 1 } } },
      { ...base, request: { ...request, sampling: { ...request.sampling, top_p: 0.9 } } },
      { ...base, request: { ...request, sampling: { ...request.sampling, max_tokens: 100 } } },
      { ...base, templateVersion: 'v2' },
    ];
    const keys = await Promise.all(variants.map((variant) => responseCacheKey(variant)));
    expect(keys.every((other) => /^[0-9a-f]{64}$/.test(other) && other !== key)).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
