import { describe, expect, test } from 'vitest';
import {
  ggufDisplayName,
  ggufFileKeys,
  ggufSplitParts,
  huggingFaceUrl,
  isGgufModelId,
  localFileKey,
  parseGgufModelId,
} from '../../../src/lib/engine/gguf-ids';

describe('GGUF model ids', () => {
  test('tell GGUF models from MLC ones and parse their source', () => {
    expect(isGgufModelId('Llama-3.2-1B-Instruct-q4f16_1-MLC')).toBe(false);
    expect(parseGgufModelId('gguf:local:my model.gguf')).toEqual({ kind: 'local', file: 'my model.gguf' });
    expect(parseGgufModelId('gguf:https://huggingface.co/a/b/resolve/main/c.gguf')).toEqual({
      kind: 'url',
      url: 'https://huggingface.co/a/b/resolve/main/c.gguf',
    });
    expect(parseGgufModelId('gguf:javascript:alert(1)')).toBeNull();
    expect(parseGgufModelId('gguf:local:')).toBeNull();
  });

  test('split models expand to every part, in order', () => {
    expect(ggufSplitParts('https://x/m-00001-of-00003.gguf')).toEqual([
      'https://x/m-00001-of-00003.gguf',
      'https://x/m-00002-of-00003.gguf',
      'https://x/m-00003-of-00003.gguf',
    ]);
    expect(ggufSplitParts('single.gguf')).toEqual(['single.gguf']);
    expect(ggufFileKeys('gguf:local:big-00001-of-00002.gguf')).toEqual([localFileKey('big-00001-of-00002.gguf'), localFileKey('big-00002-of-00002.gguf')]);
  });

  test('names for people and Hugging Face URLs', () => {
    expect(ggufDisplayName('gguf:https://huggingface.co/a/b/resolve/main/big-00001-of-00004.gguf')).toBe('big.gguf');
    expect(ggufDisplayName('gguf:local:tiny.gguf')).toBe('tiny.gguf');
    expect(ggufDisplayName('Qwen3-0.6B-q4f16_1-MLC')).toBe('Qwen3-0.6B-q4f16_1-MLC');
    expect(huggingFaceUrl('/org/repo/', '/file.gguf')).toBe('https://huggingface.co/org/repo/resolve/main/file.gguf');
  });
});
