/**
 * RagRepository against a model: any sequence of commits (documents added, replaced, removed,
 * index replaced), commits against a stale revision, and target deletions leaves each target
 * holding exactly the model's documents, texts, chunk spans and index, whatever their text; a
 * stale commit changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { RagRepository, RevisionConflict, type IndexRecord, type StoredDocument } from '../../../src/lib/rag/repository';
import type { TargetRef } from '../../../src/lib/rag/types';
import { anyId, awkwardText, storedText } from '../storage/arbitraries';
import { STORE_BACKENDS } from '../storage/backends';
import { doc } from './fixtures';

const TARGETS: readonly TargetRef[] = [
  { kind: 'conversation', id: 'c1' },
  { kind: 'collection', id: 'c1' },
  { kind: 'conversation', id: 'c1\u0000' },
];
const DOC_SLOTS = 4;

const stored = (docId: string): fc.Arbitrary<StoredDocument> =>
  fc
    .record(
      {
        name: storedText,
        addedAt: fc.integer({ min: 0, max: 5 }),
        title: fc.option(awkwardText, { nil: null }),
        warnings: fc.array(awkwardText, { maxLength: 2 }),
        pageStarts: fc.array(fc.nat(), { maxLength: 3 }),
        text: storedText,
        spans: fc.array(
          fc.record({ start: fc.nat(), end: fc.nat(), headingPath: fc.array(awkwardText, { maxLength: 3 }), context: awkwardText }, { noNullPrototype: true }),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: ['name', 'addedAt', 'title', 'warnings', 'text', 'spans'], noNullPrototype: true },
    )
    .map(({ text, spans, ...fields }) => ({ document: doc(docId, fields.name, fields), text, spans }));

const index: fc.Arbitrary<IndexRecord> = fc.record({ analyzer: fc.nat(3), json: storedText }, { noNullPrototype: true });

type Op =
  | { kind: 'commit'; target: number; name: string | undefined; put: Array<[number, StoredDocument]>; remove: number[]; index: IndexRecord | undefined; stale: boolean }
  | { kind: 'deleteTarget'; target: number };

const op = (docIds: readonly string[]): fc.Arbitrary<Op> =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('commit' as const),
        target: fc.nat(TARGETS.length - 1),
        name: fc.option(storedText, { nil: undefined }),
        put: fc.array(
          fc.nat(DOC_SLOTS - 1).chain((slot) => stored(docIds[slot] as string).map((item): [number, StoredDocument] => [slot, item])),
          { maxLength: 3 },
        ),
        remove: fc.array(fc.nat(DOC_SLOTS - 1), { maxLength: 2 }),
        index: fc.option(index, { nil: undefined }),
        // One commit in five comes from a tab that loaded before another tab's commit.
        stale: fc.nat(4).map((n) => n === 0),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteTarget' as const), target: fc.nat(TARGETS.length - 1) }) },
  );

interface TargetModel {
  revision: number;
  name: string | null;
  documents: Map<string, StoredDocument>;
  index: IndexRecord | undefined;
}

describe.each(STORE_BACKENDS)('RagRepository round trips (%s)', (_name, freshStore) => {
  test('commits, stale commits and deletions keep exactly what the model says', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(anyId, { minLength: DOC_SLOTS, maxLength: DOC_SLOTS }).chain((docIds) => fc.tuple(fc.constant(docIds), fc.array(op(docIds), { minLength: 1, maxLength: 8 }))),
        async ([docIds, ops]) => {
          const repo = new RagRepository(freshStore());
          const models = TARGETS.map((): TargetModel => ({ revision: 0, name: null, documents: new Map(), index: undefined }));
          let clock = 100;
          for (const step of ops) {
            const target = TARGETS[step.target] as TargetRef;
            const model = models[step.target] as TargetModel;
            if (step.kind === 'deleteTarget') {
              await repo.deleteTarget(target);
              models[step.target] = { revision: 0, name: null, documents: new Map(), index: undefined };
            } else {
              const put = step.put.map(([, item]) => ({ ...item, document: { ...item.document, target } }));
              const remove = step.remove.map((slot) => docIds[slot] as string);
              const documents = new Map(model.documents);
              for (const id of remove) documents.delete(id);
              for (const item of put) documents.set(item.document.id, item);
              const change = { ...(step.name !== undefined ? { name: step.name } : {}), put, remove, index: step.index, documentCount: documents.size };
              if (step.stale) {
                // Asked against a revision that is not the stored one (another tab committed in between): refused, nothing written.
                await expect(repo.commit(target, change, model.revision + 1, ++clock)).rejects.toBeInstanceOf(RevisionConflict);
              } else {
                expect(await repo.commit(target, change, model.revision, ++clock)).toBe(model.revision + 1);
                model.revision++;
                model.name = step.name ?? model.name;
                model.documents = documents;
                model.index = step.index ?? model.index;
              }
            }
            for (const [i, each] of TARGETS.entries()) {
              const expected = models[i] as TargetModel;
              const loaded = await repo.load(each);
              expect(loaded.record?.revision ?? 0).toBe(expected.revision);
              if (expected.revision > 0) expect(loaded.record).toMatchObject({ name: expected.name, documentCount: expected.documents.size });
              // load() lists documents in key (id) order; documents() by when they were added, then name.
              const byKey = [...expected.documents.values()].sort((a, b) => (a.document.id < b.document.id ? -1 : 1));
              expect(loaded.documents).toStrictEqual(byKey);
              expect(loaded.index).toStrictEqual(expected.index);
              expect((await repo.documents(each)).map((item) => item.id).sort()).toEqual(byKey.map((item) => item.document.id).sort());
              for (const item of byKey) expect(await repo.text(each, item.document.id)).toBe(item.text);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
