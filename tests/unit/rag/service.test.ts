import { promisifyRequest, type UseStore } from 'idb-keyval';
import { describe, expect, test } from 'vitest';
import { RagError } from '../../../src/lib/rag/errors';
import { RagRepository } from '../../../src/lib/rag/repository';
import { RagService, type RagServiceOptions } from '../../../src/lib/rag/service';
import type { IndexProgress, TargetRef } from '../../../src/lib/rag/types';
import { makeTinyPdf } from '../../fixtures/tiny-pdf';
import { freshStore } from '../helpers';
import { CORPUS } from './corpus';
import { CONVERSATION, ragFile } from './fixtures';
import { loadLegacyPdfJs } from './pdfjs-node';
import { failingStore } from './stores';

function service(store: UseStore = freshStore('rag'), options: Partial<RagServiceOptions> = {}): RagService {
  let ids = 0;
  return new RagService({ repository: new RagRepository(store), loadPdfJs: loadLegacyPdfJs, newId: () => `id${++ids}-${Math.random().toString(36).slice(2, 6)}`, ...options });
}

const corpusFiles = () => Object.entries(CORPUS).map(([name, text]) => ragFile(name, text));
const everything = (store: UseStore) => store('readonly', (objectStore) => promisifyRequest(objectStore.getAll()));

async function rejection(promise: Promise<unknown>): Promise<RagError> {
  const error = await promise.then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(RagError);
  return error as RagError;
}

describe('RagService', () => {
  test('adds files, reports progress to the end, and finds their chunks', async () => {
    const rag = service();
    const progress: IndexProgress[] = [];
    const result = await rag.add(CONVERSATION, corpusFiles(), { onProgress: (event) => progress.push(event) });
    expect(result.failed).toEqual([]);
    expect(result.added.map((document) => [document.name, document.kind])).toEqual([
      ['espresso-manual.md', 'markdown'],
      ['hiking-trails.md', 'markdown'],
      ['team-handbook.md', 'markdown'],
    ]);
    expect(progress.map((event) => event.phase)).toEqual(expect.arrayContaining(['reading', 'extracting', 'chunking', 'indexing', 'saving']));
    const fractions = progress.map((event) => event.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ fraction: 1, filesDone: 3, fileCount: 3 });

    const [best] = await rag.search([CONVERSATION], 'how often to descale', 3);
    expect(best!.document.name).toBe('espresso-manual.md');
    expect(best!.chunk.headingPath.at(-1)).toBe('Descaling');
    const opened = await rag.openDocument(CONVERSATION, best!.document.id);
    expect(opened.text.slice(best!.chunk.start, best!.chunk.end)).toBe(best!.chunk.text);
  });

  test('a PDF goes through pdf.js and records its pages', async () => {
    const rag = service();
    const pdf = makeTinyPdf({ pages: [['The boiler holds 300 ml.'], ['Pressure is nine bar.']] });
    const { added } = await rag.add(CONVERSATION, [ragFile('spec.pdf', pdf, 'application/pdf')]);
    expect(added[0]).toMatchObject({ kind: 'pdf', pageStarts: [0, 26] });
    const [hit] = await rag.search([CONVERSATION], 'pressure bar', 1);
    expect(hit!.chunk.text).toContain('nine bar');
  });

  test('bad files are refused one by one, with reasons; the good ones are added', async () => {
    const rag = service();
    const result = await rag.add(CONVERSATION, [
      ragFile('good.md', '# Fine\n\nA readable file.'),
      ragFile('scan.pdf', makeTinyPdf({ pages: [[]] })),
      ragFile('empty.txt', ''),
      ragFile('slides.pptx', 'PK'),
      ragFile('again.md', '# Fine\n\nA readable file.'),
    ]);
    expect(result.added.map((document) => document.name)).toEqual(['good.md']);
    expect(result.failed.map((failure) => [failure.fileName, failure.code])).toEqual([
      ['scan.pdf', 'pdf-no-text'],
      ['empty.txt', 'empty'],
      ['slides.pptx', 'unsupported-type'],
      ['again.md', 'duplicate'],
    ]);
    // Adding the same file later is refused too.
    expect((await rag.add(CONVERSATION, [ragFile('copy.md', '# Fine\n\nA readable file.')])).failed[0]?.code).toBe('duplicate');
  });

  test('too many files at once, or more than a target may hold, is refused before anything is read', async () => {
    const limits = { maxFileBytes: 1000, maxTextChars: 1000, maxFilesPerAdd: 2, maxDocumentsPerTarget: 3 };
    const rag = service(freshStore('rag'), { limits });
    const files = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => ragFile(`${prefix}${index}.txt`, `${prefix} file ${index}`));
    expect((await rejection(rag.add(CONVERSATION, files('a', 3)))).code).toBe('too-many-files');
    await rag.add(CONVERSATION, files('b', 2));
    const full = await rejection(rag.add(CONVERSATION, files('c', 2)));
    expect(full.code).toBe('too-many-files');
    expect(full.message).toMatch(/holds 2 documents; up to 3 .* 1 more/);
    const big = await rag.add(CONVERSATION, [ragFile('big.txt', 'x'.repeat(2000))]);
    expect(big.failed[0]).toMatchObject({ code: 'too-large', fileName: 'big.txt' });
  });

  test('a reload reads the stored index: same results, without the files', async () => {
    const store = freshStore('rag');
    const first = service(store);
    await first.add(CONVERSATION, corpusFiles());
    const queries = ['bear canister', 'vacation days', 'error E4', 'shuttle bus'];
    const before = await Promise.all(queries.map((query) => first.search([CONVERSATION], query, 5)));

    const afterReload = service(store);
    expect((await afterReload.documents(CONVERSATION)).map((document) => document.name)).toHaveLength(3);
    const after = await Promise.all(queries.map((query) => afterReload.search([CONVERSATION], query, 5)));
    expect(after.map((hits) => hits.map((hit) => [hit.chunk.id, hit.chunk.text, hit.score]))).toEqual(
      before.map((hits) => hits.map((hit) => [hit.chunk.id, hit.chunk.text, hit.score])),
    );
  });

  test('an index built by an older analyzer is rebuilt from the stored chunks', async () => {
    const store = freshStore('rag');
    await service(store).add(CONVERSATION, corpusFiles());
    await store('readwrite', (objectStore) => {
      objectStore.put({ schema: 1, analyzer: 0, json: 'not even JSON' }, ['index', 'conversation', 'c1']);
      return promisifyRequest(objectStore.transaction);
    });
    const [hit] = await service(store).search([CONVERSATION], 'two-factor authentication', 1);
    expect(hit!.chunk.headingPath.at(-1)).toBe('Security');
  });

  test('a cancelled add stores nothing, whatever phase it is in', async () => {
    for (const phase of ['reading', 'extracting', 'chunking', 'indexing', 'saving'] as const) {
      const store = freshStore('rag');
      const rag = service(store);
      const controller = new AbortController();
      const error = await rejection(
        rag.add(CONVERSATION, corpusFiles(), {
          signal: controller.signal,
          onProgress: (event) => {
            if (event.phase === phase) controller.abort();
          },
        }),
      );
      expect(error.code, phase).toBe('cancelled');
      expect(await everything(store), phase).toEqual([]);
      expect(await rag.search([CONVERSATION], 'descale', 5), phase).toEqual([]);
    }
  });

  test('a failed save stores nothing, and what was searchable before still is (and nothing more)', async () => {
    const store = freshStore('rag');
    let failing = false;
    const rag = service(failingStore(store, 4, () => failing));
    await rag.add(CONVERSATION, [ragFile('one.md', '# Bears\n\nBlack bears live here.')]);
    const snapshot = await everything(store);
    failing = true;
    const error = await rejection(rag.add(CONVERSATION, [ragFile('two.md', '# Vacation\n\nTwenty-five vacation days.')]));
    expect(error.code).toBe('storage');
    expect(await everything(store)).toEqual(snapshot);
    failing = false;
    expect(await rag.search([CONVERSATION], 'vacation', 5)).toEqual([]);
    expect(await rag.search([CONVERSATION], 'bears', 5)).toHaveLength(1);
    // And the next add works.
    expect((await rag.add(CONVERSATION, [ragFile('two.md', '# Vacation\n\nTwenty-five vacation days.')])).added).toHaveLength(1);
    expect(await rag.search([CONVERSATION], 'vacation', 5)).toHaveLength(1);
  });

  test('removing a document removes its chunks from the index, in storage too', async () => {
    const store = freshStore('rag');
    const rag = service(store);
    const { added } = await rag.add(CONVERSATION, corpusFiles());
    const trails = added.find((document) => document.name === 'hiking-trails.md')!;
    await rag.remove(CONVERSATION, [trails.id]);
    expect((await rag.search([CONVERSATION], 'bear canister trailhead shuttle', 10)).every((hit) => hit.document.id !== trails.id)).toBe(true);
    expect((await rag.documents(CONVERSATION)).map((document) => document.name)).toEqual(['espresso-manual.md', 'team-handbook.md']);
    const reloaded = service(store);
    expect((await reloaded.search([CONVERSATION], 'bear canister trailhead shuttle', 10)).every((hit) => hit.document.id !== trails.id)).toBe(true);
    await expect(rag.openDocument(CONVERSATION, trails.id)).rejects.toMatchObject({ code: 'not-found' });
  });

  test('collections: created, named, searched together with a conversation, deleted', async () => {
    const rag = service();
    const collection = await rag.createCollection('  Manuals ');
    expect(collection).toMatchObject({ name: 'Manuals', documentCount: 0 });
    const shelf: TargetRef = { kind: 'collection', id: collection.id };
    await rag.add(shelf, [ragFile('espresso-manual.md', CORPUS['espresso-manual.md']!)]);
    await rag.add(CONVERSATION, [ragFile('team-handbook.md', CORPUS['team-handbook.md']!)]);
    await rag.renameCollection(collection.id, 'Appliance manuals');
    expect(await rag.collections()).toEqual([expect.objectContaining({ id: collection.id, name: 'Appliance manuals', documentCount: 1 })]);

    const hits = await rag.search([CONVERSATION, shelf], 'descale the machine and vacation days', 6);
    expect(new Set(hits.map((hit) => hit.document.name))).toEqual(new Set(['espresso-manual.md', 'team-handbook.md']));
    expect((await rag.chunks([shelf])).every((item) => item.document.name === 'espresso-manual.md')).toBe(true);

    await rag.deleteTarget(shelf);
    expect(await rag.collections()).toEqual([]);
    expect(await rag.search([shelf], 'descale', 5)).toEqual([]);
  });

  test('two tabs adding to one target at once: both documents survive, in storage and in each index', async () => {
    const store = freshStore('rag');
    const tabA = service(store);
    const tabB = service(store);
    // Both load the (empty) target first, so the second commit meets a revision it did not expect.
    await Promise.all([tabA.search([CONVERSATION], 'x', 1), tabB.search([CONVERSATION], 'x', 1)]);
    await Promise.all([
      tabA.add(CONVERSATION, [ragFile('trails.md', CORPUS['hiking-trails.md']!)]),
      tabB.add(CONVERSATION, [ragFile('handbook.md', CORPUS['team-handbook.md']!)]),
    ]);
    expect((await tabA.documents(CONVERSATION)).map((document) => document.name).sort()).toEqual(['handbook.md', 'trails.md']);
    for (const tab of [tabA, tabB, service(store)]) {
      expect((await tab.search([CONVERSATION], 'bear canister', 1))[0]?.document.name).toBe('trails.md');
      expect((await tab.search([CONVERSATION], 'vacation days', 1))[0]?.document.name).toBe('handbook.md');
    }
  });
});
