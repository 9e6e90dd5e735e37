import { describe, expect, test } from 'vitest';
import { DEFAULT_SAMPLING } from '../../../src/lib/config';
import { effectiveSampling, validateSampling } from '../../../src/lib/prompts/sampling';

describe('validateSampling', () => {
  test('accepts values in range, from numbers or form strings', () => {
    const { value, notes } = validateSampling({ temperature: '0.3', top_p: 0.9, max_tokens: '256', seed: '42' }, DEFAULT_SAMPLING);
    expect(value).toMatchObject({ temperature: 0.3, top_p: 0.9, max_tokens: 256, seed: 42 });
    expect(notes).toEqual({});
  });

  test('clamps out-of-range values and says why', () => {
    const { value, notes } = validateSampling({ temperature: 5, top_p: 0, presence_penalty: -9, max_tokens: 10.6 }, DEFAULT_SAMPLING);
    expect(value).toMatchObject({ temperature: 2, top_p: 0.01, presence_penalty: -2, max_tokens: 11 });
    expect(notes.temperature).toBe('Allowed range is 0 to 2; set to 2.');
    expect(notes.top_p).toMatch(/set to 0.01/);
    expect(notes.max_tokens).toMatch(/set to 11/);
  });

  test('max tokens cannot exceed the context window', () => {
    const { value, notes } = validateSampling({ max_tokens: 9000 }, DEFAULT_SAMPLING, 4096);
    expect(value.max_tokens).toBe(4096);
    expect(notes.max_tokens).toBe("The model's context window holds 4096 tokens; set to 4096.");
  });

  test('nonsense keeps the previous value; an empty seed means random', () => {
    const base = { ...DEFAULT_SAMPLING, seed: 7 };
    const { value, notes } = validateSampling({ temperature: 'warm', seed: '' }, base);
    expect(value.temperature).toBe(DEFAULT_SAMPLING.temperature);
    expect(value.seed).toBeUndefined();
    expect(notes.temperature).toMatch(/Not a number/);
    expect(validateSampling({ seed: -3.5 }, base)).toMatchObject({ value: { seed: 0 }, notes: { seed: expect.stringMatching(/whole number/) } });
  });
});

test('layers: later ones win, missing fields fall through, an explicit random seed overrides', () => {
  const value = effectiveSampling(DEFAULT_SAMPLING, { temperature: 0.2, seed: 5 }, undefined, { max_tokens: 64 }, { seed: undefined });
  expect(value).toMatchObject({ temperature: 0.2, max_tokens: 64, top_p: DEFAULT_SAMPLING.top_p });
  expect(value.seed).toBeUndefined();
});
