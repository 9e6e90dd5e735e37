import { gguf } from '@huggingface/gguf';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { GgufFormatError, inspectGguf, parseGgufHeader } from '../../../src/lib/engine/gguf-file';
import { makeTinyGguf, malformedGgufFiles, vocabulary } from '../../fixtures/tiny-gguf';

describe('the tiny GGUF fixture', () => {
  const file = makeTinyGguf();

  test('is small and deterministic', () => {
    expect(file.byteLength).toBeLessThan(1024 * 1024);
    // Byte comparison: a deep equality over half a megabyte is needlessly slow.
    expect(Buffer.from(makeTinyGguf()).equals(Buffer.from(file))).toBe(true);
    expect(Buffer.from(makeTinyGguf({ seed: 7 })).equals(Buffer.from(file))).toBe(false);
  });

  test('parses with an independent GGUF reader (@huggingface/gguf)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gguf-'));
    const path = join(dir, 'tiny.gguf');
    await writeFile(path, file);
    const parsed = await gguf(path, { allowLocalFile: true });
    const { tensorInfos } = parsed;
    // The library types metadata per known architecture; read it as the plain record it is.
    const metadata = parsed.metadata as unknown as Record<string, unknown>;
    expect(metadata['general.architecture']).toBe('llama');
    expect(metadata['llama.embedding_length']).toBe(64);
    expect(metadata['tokenizer.ggml.tokens']).toHaveLength(vocabulary().tokens.length);
    expect(tensorInfos.map((tensor) => tensor.name)).toContain('blk.1.ffn_down.weight');
    const embeddings = tensorInfos.find((tensor) => tensor.name === 'token_embd.weight');
    expect(embeddings?.shape.map(Number)).toEqual([64, vocabulary().tokens.length]);
  });
});

describe('inspectGguf', () => {
  test('reads architecture, context length and parameter count', async () => {
    const info = await inspectGguf(new Blob([makeTinyGguf({ contextLength: 512 })]));
    expect(info).toMatchObject({ version: 3, architecture: 'llama', contextLength: 512, name: 'Hearth tiny test model' });
    expect(info.parameterCount).toBeGreaterThan(100_000);
    expect(info.requiredBytes).toBeLessThanOrEqual(makeTinyGguf().byteLength);
  });

  test.each([
    ['truncated.gguf', /truncated/],
    ['not-a-model.gguf', /not a GGUF model file/],
    ['duplicate-vocab.gguf', /vocabulary lists the token "▁fire" twice/],
  ])('rejects %s with a clear message', async (name, message) => {
    const bytes = malformedGgufFiles()[name]!;
    await expect(inspectGguf(new Blob([bytes]))).rejects.toThrow(message);
    await expect(inspectGguf(new Blob([bytes]))).rejects.toBeInstanceOf(GgufFormatError);
  });

  test('a file cut inside its header is truncated, not a crash', async () => {
    const cut = makeTinyGguf().slice(0, 300);
    await expect(inspectGguf(new Blob([cut]))).rejects.toThrow(/truncated|ends inside its header/);
  });

  test('an unknown architecture passes the header check (llama.cpp decides)', async () => {
    const info = await inspectGguf(new Blob([malformedGgufFiles()['unknown-arch.gguf']!]));
    expect(info.architecture).toBe('hearthformer');
  });

  test('a corrupt count cannot make the reader allocate the world', () => {
    const bytes = makeTinyGguf().slice(0, 24);
    // Metadata count (u64 at offset 16) set absurdly high: the header runs past the bytes given.
    new DataView(bytes.buffer).setBigUint64(16, 2n ** 40n, true);
    expect(() => parseGgufHeader(bytes, 10_000_000)).toThrow(RangeError);
  });
});
