import { describe, expect, test } from 'vitest';
import { engineErrorFrom } from '../../../src/lib/engine/errors';
import { EngineError } from '../../../src/lib/engine/protocol';

describe('engineErrorFrom', () => {
  test.each([
    ['TypeError: Failed to fetch', 'load', 'network'],
    ['NetworkError when attempting to fetch resource.', 'load', 'network'],
    ['QuotaExceededError: The quota has been exceeded.', 'load', 'quota'],
    ['Error: Device was lost. This can happen due to insufficient memory', 'generate', 'device-lost'],
    ['Error: WebGPU is not supported in your current environment', 'load', 'no-webgpu'],
    ['Error: Cannot find model record in appConfig for Foo', 'load', 'load-failed'],
    ['Error: something odd', 'generate', 'generation-failed'],
  ] as const)('%s during %s is %s', (text, stage, code) => {
    const error = engineErrorFrom(text, stage);
    expect(error.code).toBe(code);
    expect(error.message).not.toMatch(/^Error: /);
  });

  test('keeps an EngineError as it is and reads Error objects', () => {
    const original = new EngineError('aborted', 'Loading was cancelled.');
    expect(engineErrorFrom(original, 'load')).toBe(original);
    expect(engineErrorFrom(new Error('Failed to fetch'), 'load').code).toBe('network');
    expect(engineErrorFrom(42, 'generate')).toMatchObject({ code: 'generation-failed', message: 'Unknown engine error' });
  });
});
