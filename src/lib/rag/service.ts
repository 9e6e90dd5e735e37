/**
 * The RAG library's work, in one place: extract, chunk, index, store, search. Runs inside the
 * index worker (see index-host.ts) and, for tests, in-process. Each target's documents, chunks
 * and index are kept in memory once loaded; every change goes to storage in one transaction
 * and only then counts as done.
 */
import type { AddOptions, OpenedDocument, RagApi, ScoredChunk, SourcedChunk } from './api';
import { ANALYZER_VERSION } from './analyzer';
import { chunkDocument, chunkFromSpan, type Chunk } from './chunk';
import { RagError, cancelled, type PlainRagError } from './errors';
import { checkFile, extractText } from './extract';
import { contentHash } from './hash';
import { addChunks, createIndex, loadIndex, removeChunks, searchIndex, serializeIndex, type LexicalIndex } from './lexical-index';
import { DEFAULT_CHUNK_OPTIONS, RAG_LIMITS, type ChunkOptions, type RagLimits } from './limits';
import type { PdfJs } from './pdf';
import { RevisionConflict, type RagRepository, type StoredDocument, type TargetChange } from './repository';
import { targetKey, type AddResult, type Collection, type IndexPhase, type RagDocument, type RagFile, type TargetRef } from './types';
import { yieldToEventLoop } from './yield';

export interface RagServiceOptions {
  repository: RagRepository;
  loadPdfJs: () => Promise<PdfJs>;
  limits?: RagLimits;
  chunkOptions?: ChunkOptions;
  now?: () => number;
  newId?: () => string;
}

interface LoadedTarget {
  revision: number;
  documents: Map<string, RagDocument>;
  chunks: Map<string, Chunk>;
  index: LexicalIndex;
}

interface Prepared {
  stored: StoredDocument;
  chunks: Chunk[];
}

/** Chunks added to the index between two looks at the event loop (cancel, progress). */
const INDEX_BATCH = 500;
/** Share of the progress bar for reading, extracting and chunking; indexing and saving share the rest. */
const PREPARE_SHARE = 0.7;
const INDEX_SHARE = 0.25;
/** Targets kept in memory; others are read again from storage when next used (a few ms per MB). */
const LOADED_TARGETS = 8;
/** Another tab changing the same target at the same moment is rare; three tries is plenty. */
const COMMIT_ATTEMPTS = 3;

export class RagService implements RagApi {
  readonly #repository: RagRepository;
  readonly #loadPdfJs: () => Promise<PdfJs>;
  readonly #limits: RagLimits;
  readonly #chunkOptions: ChunkOptions;
  readonly #now: () => number;
  readonly #newId: () => string;
  readonly #loaded = new Map<string, Promise<LoadedTarget>>();
  /** Changes to one target run one after another: each builds on the index the last one left. */
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(options: RagServiceOptions) {
    this.#repository = options.repository;
    this.#loadPdfJs = options.loadPdfJs;
    this.#limits = options.limits ?? RAG_LIMITS;
    this.#chunkOptions = options.chunkOptions ?? DEFAULT_CHUNK_OPTIONS;
    this.#now = options.now ?? Date.now;
    this.#newId = options.newId ?? (() => crypto.randomUUID());
  }

  async add(target: TargetRef, files: RagFile[], options: AddOptions = {}): Promise<AddResult> {
    const { signal } = options;
    if (files.length > this.#limits.maxFilesPerAdd) {
      throw new RagError('too-many-files', `${files.length} files were chosen; up to ${this.#limits.maxFilesPerAdd} can be added at once.`);
    }
    return this.#serial(target, async () => {
      const bytesTotal = files.reduce((sum, file) => sum + file.blob.size, 0);
      let bytesDone = 0;
      let filesDone = 0;
      const report = (phase: IndexPhase, fileName: string | null, fraction: number): void =>
        options.onProgress?.({ phase, fileName, filesDone, fileCount: files.length, bytesDone, bytesTotal, fraction: Math.min(1, fraction) });
      const prepareFraction = (): number => (bytesTotal === 0 ? 1 : bytesDone / bytesTotal) * PREPARE_SHARE;

      const before = await this.#load(target);
      const room = this.#limits.maxDocumentsPerTarget - before.documents.size;
      if (files.length > room) {
        throw new RagError(
          'too-many-files',
          `This ${target.kind} holds ${before.documents.size} documents; up to ${this.#limits.maxDocumentsPerTarget} are allowed, so ${Math.max(0, room)} more can be added.`,
        );
      }

      const prepared: Prepared[] = [];
      const failed: PlainRagError[] = [];
      const seen = new Set([...before.documents.values()].map((document) => document.contentHash));
      for (const file of files) {
        if (signal?.aborted) throw cancelled();
        try {
          report('reading', file.name, prepareFraction());
          const item = await this.#prepare(target, file, seen, signal, (phase) => report(phase, file.name, prepareFraction()));
          prepared.push(item);
          seen.add(item.stored.document.contentHash);
        } catch (error) {
          const ragError = RagError.from(error, file.name);
          if (ragError.code === 'cancelled' || signal?.aborted) throw cancelled();
          if (ragError.code === 'internal' || ragError.code === 'storage') throw ragError;
          failed.push(ragError.toPlain());
        }
        bytesDone += file.blob.size;
        filesDone++;
        await yieldToEventLoop();
      }
      if (prepared.length === 0) return { added: [], failed };

      const added = await this.#commitWithRetry(target, async (loaded) => {
        // Another tab may have added the same file in the meantime.
        const hashes = new Set([...loaded.documents.values()].map((document) => document.contentHash));
        const fresh = prepared.filter((item) => !hashes.has(item.stored.document.contentHash));
        const chunkCount = fresh.reduce((sum, item) => sum + item.chunks.length, 0);
        let indexed = 0;
        for (const item of fresh) {
          for (let from = 0; from < item.chunks.length; from += INDEX_BATCH) {
            if (signal?.aborted) throw cancelled();
            addChunks(loaded.index, item.chunks.slice(from, from + INDEX_BATCH), sourceName(item.stored.document));
            indexed += Math.min(INDEX_BATCH, item.chunks.length - from);
            report('indexing', item.stored.document.name, PREPARE_SHARE + (indexed / Math.max(1, chunkCount)) * INDEX_SHARE);
            await yieldToEventLoop();
          }
        }
        report('saving', null, PREPARE_SHARE + INDEX_SHARE);
        // The last moment a cancel counts: from here to the commit nothing yields to the event loop.
        if (signal?.aborted) throw cancelled();
        const change: TargetChange = {
          put: fresh.map((item) => item.stored),
          remove: [],
          index: { analyzer: ANALYZER_VERSION, json: serializeIndex(loaded.index) },
          documentCount: loaded.documents.size + fresh.length,
        };
        const apply = (): void => {
          for (const item of fresh) {
            loaded.documents.set(item.stored.document.id, item.stored.document);
            for (const chunk of item.chunks) loaded.chunks.set(chunk.id, chunk);
          }
        };
        return { change, apply, result: fresh.map((item) => item.stored.document) };
      });
      report('saving', null, 1);
      return { added, failed };
    });
  }

  async remove(target: TargetRef, docIds: string[]): Promise<void> {
    await this.#serial(target, () =>
      this.#commitWithRetry(target, async (loaded) => {
        const ids = docIds.filter((id) => loaded.documents.has(id));
        const chunkIds = [...loaded.chunks.values()].filter((chunk) => ids.includes(chunk.docId)).map((chunk) => chunk.id);
        await removeChunks(loaded.index, chunkIds);
        const change: TargetChange = {
          put: [],
          remove: ids,
          index: { analyzer: ANALYZER_VERSION, json: serializeIndex(loaded.index) },
          documentCount: loaded.documents.size - ids.length,
        };
        const apply = (): void => {
          for (const id of ids) loaded.documents.delete(id);
          for (const id of chunkIds) loaded.chunks.delete(id);
        };
        return { change, apply, result: undefined };
      }),
    );
  }

  async documents(target: TargetRef): Promise<RagDocument[]> {
    return this.#repository.documents(target);
  }

  async collections(): Promise<Collection[]> {
    return this.#repository.collections();
  }

  async createCollection(name: string): Promise<Collection> {
    const trimmed = name.trim();
    if (trimmed === '') throw new RagError('internal', 'A collection needs a name.');
    const target: TargetRef = { kind: 'collection', id: this.#newId() };
    const now = this.#now();
    await this.#repository.commit(
      target,
      { name: trimmed, put: [], remove: [], index: { analyzer: ANALYZER_VERSION, json: serializeIndex(createIndex()) }, documentCount: 0 },
      0,
      now,
    );
    return { id: target.id, name: trimmed, createdAt: now, updatedAt: now, documentCount: 0 };
  }

  async renameCollection(id: string, name: string): Promise<void> {
    const target: TargetRef = { kind: 'collection', id };
    await this.#serial(target, () =>
      this.#commitWithRetry(target, async (loaded) => ({
        change: { name: name.trim(), put: [], remove: [], documentCount: loaded.documents.size },
        apply: () => undefined,
        result: undefined,
      })),
    );
  }

  async deleteTarget(target: TargetRef): Promise<void> {
    await this.#serial(target, async () => {
      await this.#repository.deleteTarget(target);
      this.#loaded.delete(targetKey(target));
    });
  }

  async search(targets: TargetRef[], query: string, limit: number): Promise<ScoredChunk[]> {
    if (query.trim() === '' || limit <= 0) return [];
    const perTarget = await Promise.all(
      targets.map(async (target) => {
        const loaded = await this.#load(target);
        return searchIndex(loaded.index, query, limit).flatMap((hit) => {
          const chunk = loaded.chunks.get(hit.id);
          const document = chunk && loaded.documents.get(chunk.docId);
          return chunk && document ? [{ chunk, document, score: hit.score }] : [];
        });
      }),
    );
    // BM25 scores from different indexes are on similar scales (same analyzer, similar chunk sizes): merged by score.
    return perTarget
      .flat()
      .sort((a, b) => b.score - a.score)
      .slice(0, limit);
  }

  async chunks(targets: TargetRef[]): Promise<SourcedChunk[]> {
    const all = await Promise.all(
      targets.map(async (target) => {
        const loaded = await this.#load(target);
        return [...loaded.chunks.values()].flatMap((chunk) => {
          const document = loaded.documents.get(chunk.docId);
          return document ? [{ chunk, document }] : [];
        });
      }),
    );
    return all.flat();
  }

  async openDocument(target: TargetRef, docId: string): Promise<OpenedDocument> {
    const loaded = await this.#load(target);
    const document = loaded.documents.get(docId);
    const text = document && (await this.#repository.text(target, docId));
    if (!document || text === undefined) throw new RagError('not-found', 'This document is no longer in the library.');
    return { document, text };
  }

  async #prepare(target: TargetRef, file: RagFile, seen: ReadonlySet<string>, signal: AbortSignal | undefined, phase: (phase: IndexPhase) => void): Promise<Prepared> {
    // Refused before reading: a huge or unsupported file is not loaded into memory just to be refused.
    checkFile(file.name, file.type, file.blob.size, this.#limits);
    const bytes = new Uint8Array(await file.blob.arrayBuffer());
    const hash = await contentHash(bytes);
    if (seen.has(hash)) throw new RagError('duplicate', `${file.name} is already in this ${target.kind}.`, file.name);
    phase('extracting');
    const extracted = await extractText(
      { name: file.name, type: file.type, bytes },
      { loadPdfJs: this.#loadPdfJs, signal, limits: this.#limits },
    );
    if (signal?.aborted) throw cancelled();
    phase('chunking');
    const id = this.#newId();
    const chunks = chunkDocument(id, extracted.text, extracted.kind, this.#chunkOptions);
    const document: RagDocument = {
      id,
      target,
      name: file.name,
      kind: extracted.kind,
      bytes: bytes.length,
      chars: extracted.text.length,
      chunkCount: chunks.length,
      addedAt: this.#now(),
      contentHash: hash,
      title: extracted.title,
      pageStarts: extracted.pageStarts,
      warnings: extracted.warnings,
    };
    const spans = chunks.map(({ start, end, headingPath, context }) => ({ start, end, headingPath, context }));
    return { stored: { document, text: extracted.text, spans }, chunks };
  }

  /**
   * Runs `change` against the loaded target and commits it. The in-memory state is changed
   * only after the commit; if anything fails after the index was touched, the loaded target
   * is dropped and will be read again from storage, which still holds the state before.
   */
  async #commitWithRetry<T>(
    target: TargetRef,
    change: (loaded: LoadedTarget) => Promise<{ change: TargetChange; apply: () => void; result: T }>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const loaded = await this.#load(target);
      try {
        const planned = await change(loaded);
        loaded.revision = await this.#repository.commit(target, planned.change, loaded.revision, this.#now());
        planned.apply();
        return planned.result;
      } catch (error) {
        this.#loaded.delete(targetKey(target));
        if (!(error instanceof RevisionConflict) || attempt >= COMMIT_ATTEMPTS) throw RagError.from(error);
      }
    }
  }

  /** The target as stored, loaded once and reloaded when another tab has changed it. */
  async #load(target: TargetRef): Promise<LoadedTarget> {
    const key = targetKey(target);
    const cached = this.#loaded.get(key);
    if (cached) {
      // Most recently used last: the first entry is the one to drop when too many are loaded.
      this.#loaded.delete(key);
      this.#loaded.set(key, cached);
      const loaded = await cached.catch(() => null);
      const stored = await this.#repository.target(target);
      if (loaded && loaded.revision === (stored?.revision ?? 0)) return loaded;
      if (this.#loaded.get(key) !== cached) return this.#load(target);
    }
    const loading = this.#read(target);
    this.#loaded.set(key, loading);
    for (const stale of [...this.#loaded.keys()].slice(0, Math.max(0, this.#loaded.size - LOADED_TARGETS))) this.#loaded.delete(stale);
    loading.catch(() => {
      if (this.#loaded.get(key) === loading) this.#loaded.delete(key);
    });
    return loading;
  }

  async #read(target: TargetRef): Promise<LoadedTarget> {
    const stored = await this.#repository.load(target);
    const documents = new Map<string, RagDocument>();
    const chunks = new Map<string, Chunk>();
    for (const { document, text, spans } of stored.documents) {
      documents.set(document.id, document);
      spans.forEach((span, index) => {
        const chunk = chunkFromSpan(document.id, text, span, index);
        chunks.set(chunk.id, chunk);
      });
    }
    let index: LexicalIndex;
    if (stored.index && stored.index.analyzer === ANALYZER_VERSION) {
      index = loadIndex(stored.index.json);
    } else {
      // Built by an older analyzer (or never saved): rebuilt from the stored chunks, no file is read again.
      index = createIndex();
      for (const chunk of chunks.values()) {
        const document = documents.get(chunk.docId);
        if (document) addChunks(index, [chunk], sourceName(document));
      }
    }
    return { revision: stored.record?.revision ?? 0, documents, chunks, index };
  }

  #serial<T>(target: TargetRef, work: () => Promise<T>): Promise<T> {
    const key = targetKey(target);
    const previous = this.#queues.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.#queues.set(key, next);
    void next.finally(() => {
      if (this.#queues.get(key) === next) this.#queues.delete(key);
    }).catch(() => undefined);
    return next;
  }
}

const sourceName = (document: RagDocument): string => (document.title ? `${document.name} ${document.title}` : document.name);
