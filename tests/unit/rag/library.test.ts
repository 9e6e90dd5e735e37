import { describe, expect, test, vi } from 'vitest';
import type { Embedder } from '../../../src/lib/rag/fusion';
import { RagLibrary } from '../../../src/lib/rag/library.svelte';
import { RagRepository } from '../../../src/lib/rag/repository';
import { RagService } from '../../../src/lib/rag/service';
import { estimateTokens } from '../../../src/lib/rag/tokens';
import type { IndexProgress, TargetRef } from '../../../src/lib/rag/types';
import { freshStore } from '../helpers';
import { CORPUS } from './corpus';
import { CONVERSATION, ragFile } from './fixtures';
import { loadLegacyPdfJs } from './pdfjs-node';

function library(options: { embedder?: () => Embedder | null } = {}) {
  const service = new RagService({ repository: new RagRepository(freshStore('rag')), loadPdfJs: loadLegacyPdfJs });
  return { rag: new RagLibrary(service, options), service };
}

const corpusFiles = () => Object.entries(CORPUS).map(([name, text]) => ragFile(name, text));

describe('RagLibrary', () => {
  test('open, add (with progress while it runs), list, refused files as errors', async () => {
    const { rag } = library();
    await rag.open(CONVERSATION);
    expect(rag.documents).toEqual([]);
    const seen: Array<IndexProgress | null> = [];
    const adding = rag.add([...corpusFiles(), ragFile('photo.png', 'x')]);
    expect(rag.busy).toBe(true);
    seen.push(rag.progress);
    const result = await adding;
    expect(seen[0]).toMatchObject({ phase: 'reading', fileCount: 4 });
    expect(result?.added).toHaveLength(3);
    expect(rag.documents.map((document) => document.name)).toEqual(['espresso-manual.md', 'hiking-trails.md', 'team-handbook.md']);
    expect(rag.errors).toEqual([expect.objectContaining({ code: 'unsupported-type', fileName: 'photo.png' })]);
    expect(rag.progress).toBeNull();
    expect(rag.busy).toBe(false);
    rag.dismissErrors();
    expect(rag.errors).toEqual([]);
  });

  test('a real File from a picker is accepted as it is', async () => {
    const { rag } = library();
    await rag.open(CONVERSATION);
    await rag.add([new File(['# Notes\n\nRemember the milk.'], 'notes.md', { type: 'text/markdown' })]);
    expect(rag.documents.map((document) => [document.name, document.kind])).toEqual([['notes.md', 'markdown']]);
  });

  test('query: the prompt block, its sources, and inspector candidates; toggling a chunk off', async () => {
    const { rag } = library();
    await rag.open(CONVERSATION);
    await rag.add(corpusFiles());
    const context = await rag.query('how often should I descale the machine?', { tokenBudget: 600, topK: 4 });
    expect(context.sources[0]!.chunk.headingPath.at(-1)).toBe('Descaling');
    expect(context.block).toContain('[1] espresso-manual.md › Brevia Duo espresso machine: user manual › Descaling');
    expect(estimateTokens(context.block)).toBeLessThanOrEqual(600);
    expect(context.candidates.length).toBeGreaterThan(1);

    const without = await rag.query('how often should I descale the machine?', { tokenBudget: 600, topK: 4, excluded: new Set([context.sources[0]!.chunk.id]) });
    expect(without.sources.every((source) => source.chunk.id !== context.sources[0]!.chunk.id)).toBe(true);
    expect(without.candidates.find((candidate) => candidate.chunk.id === context.sources[0]!.chunk.id)?.status).toBe('excluded');
  });

  test('opening a citation gives the document text and the range to highlight', async () => {
    const { rag } = library();
    await rag.open(CONVERSATION);
    await rag.add(corpusFiles());
    const { sources } = await rag.query('what to do if we meet a bear', { tokenBudget: 800 });
    const opened = await rag.openCitation(sources[0]!);
    expect(opened.document.name).toBe('hiking-trails.md');
    expect(opened.text.slice(opened.start, opened.end)).toBe(sources[0]!.chunk.text);
  });

  test('cancel: the add resolves to null, nothing is listed, no error is shown', async () => {
    const { rag } = library();
    await rag.open(CONVERSATION);
    const adding = rag.add(corpusFiles());
    rag.cancel();
    expect(await adding).toBeNull();
    expect(rag.documents).toEqual([]);
    expect(rag.errors).toEqual([]);
    expect(rag.progress).toBeNull();
  });

  test('remove, and collections kept up to date', async () => {
    const { rag } = library();
    const manuals = await rag.createCollection('Manuals');
    const shelf: TargetRef = { kind: 'collection', id: manuals!.id };
    await rag.open(shelf);
    await rag.add(corpusFiles());
    expect(rag.collections).toEqual([expect.objectContaining({ name: 'Manuals', documentCount: 3 })]);
    await rag.remove(rag.documents[0]!);
    expect(rag.documents).toHaveLength(2);
    expect(rag.collections[0]!.documentCount).toBe(2);
    await rag.deleteTarget(shelf);
    expect(rag.collections).toEqual([]);
    expect(rag.documents).toEqual([]);
  });

  test('with an embedder the ranking is hybrid: a match in meaning only still makes the list', async () => {
    // A fake embedding model that knows "canine" and "dog" mean the same; the words share no letters.
    const embedder: Embedder = {
      embed: async (texts) => texts.map((text) => Float32Array.of(/dog|canine/i.test(text) ? 1 : 0, /dog|canine/i.test(text) ? 0 : 1)),
    };
    const lexicalOnly = library();
    await lexicalOnly.rag.open(CONVERSATION);
    await lexicalOnly.rag.add(corpusFiles());
    const question = 'rules for my canine';
    expect((await lexicalOnly.rag.query(question, { tokenBudget: 2000, topK: 3 })).sources.some((source) => source.chunk.headingPath.at(-1) === 'Dogs')).toBe(false);

    const hybrid = library({ embedder: () => embedder });
    const fetchChunks = vi.spyOn(hybrid.service, 'chunks');
    await hybrid.rag.open(CONVERSATION);
    await hybrid.rag.add(corpusFiles());
    const { sources } = await hybrid.rag.query(question, { tokenBudget: 2000, topK: 3 });
    expect(sources.some((source) => source.chunk.headingPath.at(-1) === 'Dogs')).toBe(true);
    // The whole library crosses the worker boundary once, not on every question.
    await hybrid.rag.query('a dog on the beach', { tokenBudget: 2000, topK: 3 });
    expect(fetchChunks).toHaveBeenCalledTimes(1);
    await hybrid.rag.remove(hybrid.rag.documents[0]!);
    await hybrid.rag.query('a dog on the beach', { tokenBudget: 2000, topK: 3 });
    expect(fetchChunks).toHaveBeenCalledTimes(2);
  });

  test('errors of other actions are collected, not thrown', async () => {
    const { rag } = library();
    expect(await rag.createCollection('   ')).toBeNull();
    expect(rag.errors).toHaveLength(1);
    await expect(rag.add([ragFile('a.md', 'x')], null)).rejects.toThrow(/needs a target/);
  });
});
