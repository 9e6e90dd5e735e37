/**
 * What the UI needs from the RAG library, as state: the documents of the open conversation or
 * collection, the collections, indexing progress and errors; and the actions: add, cancel,
 * remove, build the prompt context for a question, open a cited chunk. All work happens in the
 * index worker (through RagApi); this class only keeps the state the components display.
 */
import type { RagApi, SourcedChunk } from './api';
import { RagError, type PlainRagError } from './errors';
import { DenseRanker, type Embedder } from './fusion';
import { RETRIEVAL_DEFAULTS } from './limits';
import { buildPromptContext, type ContextSource, type PromptContext } from './prompt-context';
import { retrieve } from './retrieve';
import type { TokenCounter } from './tokens';
import { targetKey, toRagFile, type AddResult, type Collection, type IndexProgress, type RagDocument, type RagFile, type TargetRef } from './types';

export interface QueryOptions {
  /** Tokens the sources may take in the prompt (e.g. a share of the model's context window left after the conversation). */
  tokenBudget: number;
  /** Where to look; by default the open target. A conversation with collections attached passes them all. */
  targets?: TargetRef[] | undefined;
  topK?: number | undefined;
  /** Chunk ids the user switched off in the prompt inspector. */
  excluded?: ReadonlySet<string> | undefined;
  countTokens?: TokenCounter | undefined;
  instructions?: string | undefined;
}

/** A cited chunk, ready to show highlighted in its document. */
export interface OpenedCitation {
  document: RagDocument;
  text: string;
  start: number;
  end: number;
}

export class RagLibrary {
  /** The conversation or collection whose documents are listed. */
  target: TargetRef | null = $state.raw(null);
  documents: RagDocument[] = $state.raw([]);
  collections: Collection[] = $state.raw([]);
  /** Progress of the add in flight, or null. */
  progress: IndexProgress | null = $state(null);
  /** Files refused by the last add, and failures of other actions; cleared by `dismissErrors`. */
  errors: PlainRagError[] = $state.raw([]);
  readonly busy: boolean = $derived(this.progress !== null);

  readonly #api: RagApi;
  readonly #embedder: () => Embedder | null;
  #dense: { embedder: Embedder; ranker: DenseRanker } | null = null;
  readonly #adding = new Set<AbortController>();
  /** See #allChunks; cleared whenever this library adds or removes documents. */
  readonly #chunkCache = new Map<string, Promise<SourcedChunk[]>>();

  constructor(api: RagApi, options: { embedder?: () => Embedder | null } = {}) {
    this.#api = api;
    this.#embedder = options.embedder ?? (() => null);
  }

  /** Shows a target's documents. */
  async open(target: TargetRef): Promise<void> {
    this.target = target;
    await this.#refreshDocuments();
  }

  async refreshCollections(): Promise<void> {
    await this.#report(async () => {
      this.collections = await this.#api.collections();
    });
  }

  async createCollection(name: string): Promise<Collection | null> {
    return this.#report(async () => {
      const collection = await this.#api.createCollection(name);
      this.collections = await this.#api.collections();
      return collection;
    });
  }

  async renameCollection(id: string, name: string): Promise<void> {
    await this.#report(async () => {
      await this.#api.renameCollection(id, name);
      this.collections = await this.#api.collections();
    });
  }

  /** Deletes a collection, or the documents of a conversation (when it is deleted). */
  async deleteTarget(target: TargetRef): Promise<void> {
    await this.#report(async () => {
      await this.#api.deleteTarget(target);
      this.#chunkCache.clear();
      if (target.kind === 'collection') this.collections = await this.#api.collections();
      if (this.target && targetKey(this.target) === targetKey(target)) this.documents = [];
    });
  }

  /**
   * Adds files to a target (the open one by default). Returns what was added and refused, or
   * null when the whole add failed or was cancelled (then nothing was stored).
   */
  async add(files: ReadonlyArray<File | RagFile>, target: TargetRef | null = this.target): Promise<AddResult | null> {
    if (!target) throw new Error('RagLibrary.add needs a target: open one first or pass it.');
    const controller = new AbortController();
    this.#adding.add(controller);
    this.errors = [];
    this.progress = { phase: 'reading', fileName: null, filesDone: 0, fileCount: files.length, bytesDone: 0, bytesTotal: 0, fraction: 0 };
    try {
      const result = await this.#api.add(target, files.map(asRagFile), {
        signal: controller.signal,
        onProgress: (progress) => {
          if (!controller.signal.aborted) this.progress = progress;
        },
      });
      this.errors = result.failed;
      if (result.added.length > 0) this.#chunkCache.clear();
      if (this.target && targetKey(this.target) === targetKey(target)) await this.#refreshDocuments();
      if (target.kind === 'collection') this.collections = await this.#api.collections();
      return result;
    } catch (error) {
      const ragError = RagError.from(error);
      // A cancel is what the user asked for, not an error to show.
      if (ragError.code !== 'cancelled') this.errors = [ragError.toPlain()];
      return null;
    } finally {
      this.#adding.delete(controller);
      if (this.#adding.size === 0) this.progress = null;
    }
  }

  /** Cancels every add in flight; none of them stores anything. */
  cancel(): void {
    for (const controller of this.#adding) controller.abort();
  }

  async remove(document: RagDocument): Promise<void> {
    await this.#report(async () => {
      await this.#api.remove(document.target, [document.id]);
      this.#chunkCache.clear();
      this.#dense?.ranker.forget(Array.from({ length: document.chunkCount }, (_, index) => `${document.id}#${index}`));
      if (this.target && targetKey(this.target) === targetKey(document.target)) await this.#refreshDocuments();
      if (document.target.kind === 'collection') this.collections = await this.#api.collections();
    });
  }

  /**
   * The prompt context for a question: the best chunks within the budget, the block of text
   * to insert, and the candidates for the prompt inspector. Hybrid ranking when an embedder is
   * available, lexical otherwise.
   */
  async query(question: string, options: QueryOptions): Promise<PromptContext> {
    const targets = options.targets ?? (this.target ? [this.target] : []);
    const topK = options.topK ?? RETRIEVAL_DEFAULTS.topK;
    const ranker = this.#denseRanker();
    const dense = ranker && { ranker, chunks: () => this.#allChunks(targets) };
    const ranked = targets.length === 0 ? [] : await retrieve(this.#api, targets, question, topK, dense);
    return buildPromptContext(ranked, {
      topK,
      tokenBudget: options.tokenBudget,
      excluded: options.excluded,
      countTokens: options.countTokens,
      instructions: options.instructions,
    });
  }

  /** A cited source's document text, with the cited range to highlight. */
  async openCitation(source: ContextSource): Promise<OpenedCitation> {
    return this.openRange(source.document.target, source.document.id, source.chunk.start, source.chunk.end);
  }

  /** A document's text with a range to highlight, e.g. from a source stored with an answer. */
  async openRange(target: TargetRef, documentId: string, start: number, end: number): Promise<OpenedCitation> {
    const { document, text } = await this.#api.openDocument(target, documentId);
    return { document, text, start, end };
  }

  dismissErrors(): void {
    this.errors = [];
  }

  #denseRanker(): DenseRanker | null {
    const embedder = this.#embedder();
    if (!embedder) return null;
    // Vectors belong to one embedding model: a different embedder starts a fresh cache.
    if (this.#dense?.embedder !== embedder) this.#dense = { embedder, ranker: new DenseRanker(embedder) };
    return this.#dense.ranker;
  }

  /** All chunks of some targets, for embedding: fetched from the worker once until this library changes them. */
  #allChunks(targets: TargetRef[]): Promise<SourcedChunk[]> {
    const key = targets.map(targetKey).sort().join('|');
    let chunks = this.#chunkCache.get(key);
    if (!chunks) {
      chunks = this.#api.chunks(targets);
      this.#chunkCache.set(key, chunks);
      chunks.catch(() => this.#chunkCache.delete(key));
    }
    return chunks;
  }

  async #refreshDocuments(): Promise<void> {
    const target = this.target;
    if (!target) return;
    await this.#report(async () => {
      const documents = await this.#api.documents(target);
      // Superseded: another target was opened while this one loaded.
      if (this.target === target) this.documents = documents;
    });
  }

  async #report<T>(action: () => Promise<T>): Promise<T | null> {
    try {
      return await action();
    } catch (error) {
      this.errors = [...this.errors, RagError.from(error).toPlain()];
      return null;
    }
  }
}

const asRagFile = (file: File | RagFile): RagFile => ('blob' in file ? file : toRagFile(file));
