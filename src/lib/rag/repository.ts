/**
 * Everything the RAG library stores, in one IndexedDB object store (database `hearth-rag`),
 * so that one add or removal is one transaction: either all of it is written or none of it.
 *
 *   ['target',   kind, id]          → TargetRecord   name (collections), revision, document count
 *   ['document', kind, id, docId]   → RagDocument    metadata only: listing documents reads no text
 *   ['text',     kind, id, docId]   → { text }       the extracted text every offset refers to
 *   ['chunks',   kind, id, docId]   → { spans }      chunk ranges and heading paths, not their text
 *   ['index',    kind, id]          → IndexRecord    the MiniSearch index, serialised
 *
 * Every record carries a schema version (storage/schema.ts). Each commit checks the target's
 * revision inside its transaction, so two tabs (two index workers) never overwrite each
 * other's changes: the second one is told to reload and try again.
 */
import { promisifyRequest, type UseStore } from 'idb-keyval';
import { prefixRange } from '../storage/keys';
import { stamp, upgrade } from '../storage/schema';
import type { ChunkSpan } from './chunk';
import { RagError } from './errors';
import type { Collection, RagDocument, TargetRef } from './types';

type Key = IDBValidKey[];

export interface TargetRecord {
  target: TargetRef;
  /** Collections have a name; a conversation's documents have none of their own. */
  name: string | null;
  createdAt: number;
  updatedAt: number;
  /** Incremented by every commit. */
  revision: number;
  documentCount: number;
}

export interface IndexRecord {
  /** analyzer.ts's ANALYZER_VERSION when the index was built. */
  analyzer: number;
  json: string;
}

interface TextRecord {
  docId: string;
  text: string;
}

interface ChunksRecord {
  docId: string;
  spans: ChunkSpan[];
}

export interface StoredDocument {
  document: RagDocument;
  text: string;
  spans: ChunkSpan[];
}

export interface StoredTarget {
  record: TargetRecord | undefined;
  documents: StoredDocument[];
  index: IndexRecord | undefined;
}

export interface TargetChange {
  /** Names or renames a collection. */
  name?: string | undefined;
  put: StoredDocument[];
  /** Document ids to delete with their text and chunks. */
  remove: string[];
  /** The whole index after the change; left as it is when absent. */
  index?: IndexRecord | undefined;
  /** Documents in the target after the change. */
  documentCount: number;
}

/** Another tab changed the target since it was loaded: reload, redo, commit again. */
export class RevisionConflict extends Error {
  override readonly name = 'RevisionConflict';
}

export const targetRecordKey = (target: TargetRef): Key => ['target', target.kind, target.id];
const docKey = (kind: 'document' | 'text' | 'chunks', target: TargetRef, docId: string): Key => [kind, target.kind, target.id, docId];
export const indexKey = (target: TargetRef): Key => ['index', target.kind, target.id];

/** The three records of one stored document, keyed as `commit` writes them (backups write the same). */
export function documentRecords(target: TargetRef, { document, text, spans }: StoredDocument): Array<[Key, unknown]> {
  return [
    [docKey('document', target, document.id), stamp(document)],
    [docKey('text', target, document.id), stamp<TextRecord>({ docId: document.id, text })],
    [docKey('chunks', target, document.id), stamp<ChunksRecord>({ docId: document.id, spans })],
  ];
}
const ofTarget = (kind: 'document' | 'text' | 'chunks', target: TargetRef): IDBKeyRange => prefixRange(kind, target.kind, target.id);

export class RagRepository {
  constructor(private readonly store: UseStore) {}

  async collections(): Promise<Collection[]> {
    const records = await this.store('readonly', (store) => promisifyRequest(store.getAll(prefixRange('target', 'collection'))));
    return records
      .map((raw) => upgrade<TargetRecord>(raw, 'collection'))
      .map((record) => ({
        id: record.target.id,
        name: record.name ?? record.target.id,
        createdAt: record.createdAt,
        updatedAt: record.updatedAt,
        documentCount: record.documentCount,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Every conversation's and collection's record (for backups). */
  async targets(): Promise<TargetRecord[]> {
    const records = await this.store('readonly', (store) => promisifyRequest(store.getAll(prefixRange('target'))));
    return records.map((raw) => upgrade<TargetRecord>(raw, 'document target'));
  }

  async target(target: TargetRef): Promise<TargetRecord | undefined> {
    const raw = await this.store('readonly', (store) => promisifyRequest(store.get(targetRecordKey(target))));
    return raw === undefined ? undefined : upgrade<TargetRecord>(raw, 'document target');
  }

  async documents(target: TargetRef): Promise<RagDocument[]> {
    const records = await this.store('readonly', (store) => promisifyRequest(store.getAll(ofTarget('document', target))));
    return records.map((raw) => upgrade<RagDocument>(raw, 'document')).sort((a, b) => a.addedAt - b.addedAt || a.name.localeCompare(b.name));
  }

  async text(target: TargetRef, docId: string): Promise<string | undefined> {
    const raw = await this.store('readonly', (store) => promisifyRequest(store.get(docKey('text', target, docId))));
    return raw === undefined ? undefined : upgrade<TextRecord>(raw, 'document text').text;
  }

  /** Everything stored for a target, read in one transaction (a consistent snapshot). */
  async load(target: TargetRef): Promise<StoredTarget> {
    const [record, documents, texts, chunks, index] = await this.store('readonly', (store) =>
      Promise.all([
        promisifyRequest(store.get(targetRecordKey(target))),
        promisifyRequest(store.getAll(ofTarget('document', target))),
        promisifyRequest(store.getAll(ofTarget('text', target))),
        promisifyRequest(store.getAll(ofTarget('chunks', target))),
        promisifyRequest(store.get(indexKey(target))),
      ]),
    );
    const textOf = new Map(texts.map((raw) => upgrade<TextRecord>(raw, 'document text')).map((record) => [record.docId, record.text]));
    const spansOf = new Map(chunks.map((raw) => upgrade<ChunksRecord>(raw, 'chunk list')).map((record) => [record.docId, record.spans]));
    const stored: StoredDocument[] = [];
    for (const raw of documents) {
      const document = upgrade<RagDocument>(raw, 'document');
      const text = textOf.get(document.id);
      const spans = spansOf.get(document.id);
      // Written in one transaction, the three are always together; a document missing a part is skipped, not misread.
      if (text !== undefined && spans !== undefined) stored.push({ document, text, spans });
    }
    return {
      record: record === undefined ? undefined : upgrade<TargetRecord>(record, 'document target'),
      documents: stored,
      index: index === undefined ? undefined : upgrade<IndexRecord>(index, 'index'),
    };
  }

  /**
   * Applies a change in one transaction, if the target is still at `expectedRevision` (0 for
   * a target never stored). Any failure aborts the transaction: nothing of the change remains.
   * Returns the new revision.
   */
  async commit(target: TargetRef, change: TargetChange, expectedRevision: number, now = Date.now()): Promise<number> {
    return this.store('readwrite', (store) => {
      const transaction = store.transaction;
      return new Promise<number>((resolve, reject) => {
        let outcome: Error | null = null;
        let revision = expectedRevision;
        transaction.oncomplete = () => resolve(revision);
        transaction.onabort = () => reject(outcome instanceof RevisionConflict ? outcome : storageError(outcome ?? transaction.error));
        transaction.onerror = (event) => event.preventDefault();
        const read = store.get(targetRecordKey(target));
        read.onsuccess = () => {
          try {
            const current = read.result === undefined ? undefined : upgrade<TargetRecord>(read.result, 'document target');
            if ((current?.revision ?? 0) !== expectedRevision) throw new RevisionConflict(`${target.kind} ${target.id} changed in another tab`);
            revision = expectedRevision + 1;
            const record: TargetRecord = {
              target,
              name: change.name ?? current?.name ?? null,
              createdAt: current?.createdAt ?? now,
              updatedAt: now,
              revision,
              documentCount: change.documentCount,
            };
            store.put(stamp(record), targetRecordKey(target));
            for (const docId of change.remove) {
              for (const kind of ['document', 'text', 'chunks'] as const) store.delete(docKey(kind, target, docId));
            }
            for (const stored of change.put) {
              for (const [key, value] of documentRecords(target, stored)) store.put(value, key);
            }
            if (change.index) store.put(stamp(change.index), indexKey(target));
          } catch (error) {
            outcome = error instanceof Error ? error : new Error(String(error));
            transaction.abort();
          }
        };
      });
    });
  }

  /** Removes a target and everything in it, in one transaction. */
  async deleteTarget(target: TargetRef): Promise<void> {
    await this.store('readwrite', (store) => {
      store.delete(targetRecordKey(target));
      store.delete(indexKey(target));
      for (const kind of ['document', 'text', 'chunks'] as const) store.delete(ofTarget(kind, target));
      return promisifyRequest(store.transaction);
    });
  }
}

function storageError(error: Error | null): RagError {
  return error ? RagError.from(error) : new RagError('storage', 'Saving was interrupted; nothing was saved.');
}
