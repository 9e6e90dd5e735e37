import { promisifyRequest } from 'idb-keyval';
import { describe, expect, test } from 'vitest';
import { RagError } from '../../../src/lib/rag/errors';
import { RagRepository, RevisionConflict, type StoredDocument } from '../../../src/lib/rag/repository';
import { SCHEMA_VERSION } from '../../../src/lib/storage/schema';
import { freshStore } from '../helpers';
import { CONVERSATION, doc } from './fixtures';
import { failingStore } from './stores';

const stored = (id: string, text = `text of ${id}`): StoredDocument => ({
  document: doc(id),
  text,
  spans: [{ start: 0, end: text.length, headingPath: ['H'], context: '' }],
});
const INDEX = { analyzer: 1, json: '{"fake":true}' };

describe('RagRepository', () => {
  test('round trip: documents, texts, chunk spans and the index of a target, every record versioned', async () => {
    const store = freshStore('rag');
    const repo = new RagRepository(store);
    expect(await repo.commit(CONVERSATION, { put: [stored('a'), stored('b')], remove: [], index: INDEX, documentCount: 2 }, 0, 1000)).toBe(1);

    const loaded = await repo.load(CONVERSATION);
    expect(loaded.record).toMatchObject({ target: CONVERSATION, revision: 1, documentCount: 2, createdAt: 1000, updatedAt: 1000 });
    // Values come back without their records' schema field; the raw records below carry it.
    expect(loaded.documents).toEqual([stored('a'), stored('b')]);
    expect(loaded.index).toMatchObject(INDEX);
    expect((await repo.documents(CONVERSATION)).map((document) => document.id)).toEqual(['a', 'b']);
    expect(await repo.text(CONVERSATION, 'b')).toBe('text of b');
    const raw = await store('readonly', (objectStore) => promisifyRequest(objectStore.getAll()));
    expect(raw.every((record: { schema?: number }) => record.schema === SCHEMA_VERSION)).toBe(true);
  });

  test('targets are kept apart; collections are listed by name', async () => {
    const repo = new RagRepository(freshStore('rag'));
    const other = { kind: 'conversation', id: 'c2' } as const;
    await repo.commit(CONVERSATION, { put: [stored('a')], remove: [], index: INDEX, documentCount: 1 }, 0);
    await repo.commit(other, { put: [stored('z')], remove: [], index: INDEX, documentCount: 1 }, 0);
    await repo.commit({ kind: 'collection', id: 'k2' }, { name: 'Zebra notes', put: [], remove: [], index: INDEX, documentCount: 0 }, 0, 5);
    await repo.commit({ kind: 'collection', id: 'k1' }, { name: 'Appliances', put: [stored('m')], remove: [], index: INDEX, documentCount: 1 }, 0, 6);
    expect((await repo.documents(other)).map((document) => document.id)).toEqual(['z']);
    expect(await repo.collections()).toEqual([
      { id: 'k1', name: 'Appliances', createdAt: 6, updatedAt: 6, documentCount: 1 },
      { id: 'k2', name: 'Zebra notes', createdAt: 5, updatedAt: 5, documentCount: 0 },
    ]);
    await repo.deleteTarget(CONVERSATION);
    expect(await repo.load(CONVERSATION)).toEqual({ record: undefined, documents: [], index: undefined });
    expect(await repo.documents(other)).toHaveLength(1);
  });

  test('removal takes a document with its text and chunks', async () => {
    const repo = new RagRepository(freshStore('rag'));
    await repo.commit(CONVERSATION, { put: [stored('a'), stored('b')], remove: [], index: INDEX, documentCount: 2 }, 0);
    await repo.commit(CONVERSATION, { put: [], remove: ['a'], index: INDEX, documentCount: 1 }, 1);
    expect((await repo.load(CONVERSATION)).documents.map((item) => item.document.id)).toEqual(['b']);
    expect(await repo.text(CONVERSATION, 'a')).toBeUndefined();
  });

  test('a failure in the middle of a write leaves nothing of it behind', async () => {
    const store = freshStore('rag');
    await new RagRepository(store).commit(CONVERSATION, { put: [stored('before')], remove: [], index: INDEX, documentCount: 1 }, 0, 1);
    const snapshot = await store('readonly', (objectStore) => promisifyRequest(objectStore.getAll()));

    // Fifth put: after the target record and the first document, in the middle of the second.
    const failing = new RagRepository(failingStore(store, 5));
    const error = await failing
      .commit(CONVERSATION, { put: [stored('x'), stored('y')], remove: ['before'], index: { analyzer: 1, json: 'new' }, documentCount: 2 }, 1, 2)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RagError);
    expect((error as RagError).code).toBe('storage');
    expect((error as RagError).message).toMatch(/disk is full/);
    expect(await store('readonly', (objectStore) => promisifyRequest(objectStore.getAll()))).toEqual(snapshot);
  });

  test('a commit against a revision another tab has moved on from is refused, and writes nothing', async () => {
    const store = freshStore('rag');
    const tabA = new RagRepository(store);
    const tabB = new RagRepository(store);
    await tabA.commit(CONVERSATION, { put: [stored('a')], remove: [], index: INDEX, documentCount: 1 }, 0);
    const error = await tabB.commit(CONVERSATION, { put: [stored('b')], remove: [], index: INDEX, documentCount: 1 }, 0).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RevisionConflict);
    expect((await tabA.documents(CONVERSATION)).map((document) => document.id)).toEqual(['a']);
  });

  test('records from a newer Hearth are refused rather than misread', async () => {
    const store = freshStore('rag');
    await store('readwrite', (objectStore) => {
      objectStore.put({ schema: SCHEMA_VERSION + 1, ...doc('future') }, ['document', 'conversation', 'c1', 'future']);
      return promisifyRequest(objectStore.transaction);
    });
    await expect(new RagRepository(store).documents(CONVERSATION)).rejects.toThrow(/newer version/);
  });
});
