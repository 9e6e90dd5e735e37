/**
 * The composition root: storage, the engine, conversations and notices, wired together once.
 * Components receive this object and call its methods; they hold no logic of their own.
 */
import type { RestoreCounts } from './backup';
import { Backups } from './backup/backups.svelte';
import { Chats } from './chat/chats.svelte';
import { openChatChannel, type ChatChannel } from './chat/sync';
import { toAnswerRetrieval } from './chat/retrieval';
import type { ChatSession, PreparedRequest, Retrieved } from './chat/session.svelte';
import type { AnswerSource, Conversation } from './chat/types';
import { DEFAULT_SAMPLING, FIXED_SEED, JUDGE_MAX_TOKENS, UNDO_WINDOW_MS } from './config';
import { allowedEndpointOrigin } from './endpoint/csp';
import { Endpoint } from './endpoint/endpoint.svelte';
import { checkQuota } from './engine/cache';
import { chooseEngine, type EngineChoice } from './engine/choice';
import { EngineHost, type EngineEvent } from './engine/engine.svelte';
import { catalogEntry, ModelLibrary } from './engine/library.svelte';
import { describeLoadFailure } from './engine/errors';
import { defaultModelId } from './engine/models';
import { ggufCatalog } from './engine/gguf-catalog';
import { GGUF_PREFIX, ggufDisplayName, huggingFaceUrl } from './engine/gguf-ids';
import { isRemoteModelId } from './engine/remote-ids';
import { browserCoordination } from './guard/coordination';
import { Guard } from './guard/guard.svelte';
import type { Limits } from './guard/limits';
import { saveFile } from './files/save';
import { Toasts } from './notify/toasts.svelte';
import { PromptLibrary } from './prompts/library.svelte';
import { RagClient, RagError, RagLibrary, type OpenedCitation, type TargetRef } from './rag';
import { APP_VERSION, judgeEvaluator, Observability, openTraceRepository, type Complete, type Feedback, type Rating } from './observe';
import { effectiveSampling, validateSampling } from './prompts/sampling';
import { ensureStorage, type StorageMode } from './storage/availability';
import { DATABASES, openRepositories, type Repositories } from './storage/db';
import { DEFAULT_SETTINGS, type Settings } from './storage/settings';

/** What collections need from a chat session. */
type ChatSessionLike = Pick<ChatSession, 'conversation' | 'updateSettings'>;

/** The longest the reads that wait for the engine's start wait (see #engineStarted). */
const AFTER_ENGINE_MAX_MS = 1000;

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class Studio {
  readonly toasts = new Toasts();
  readonly chats: Chats;
  readonly prompts: PromptLibrary;
  /** The documents of the open conversation and the user's collections (local RAG). */
  readonly rag: RagLibrary;
  /** Traces of every generation, feedback, evaluations and the leaderboard, all on this device. */
  readonly observe: Observability;
  /** The user's thumbs on the answers of the open conversation, by message id. */
  feedback: ReadonlyMap<string, Feedback> = $state.raw(new Map());
  /** Rate limits, token budgets and the response cache, shared with the other tabs. */
  readonly guard: Guard;
  /** Backups of everything, restores, and exports of one conversation. */
  readonly backups: Backups;
  /** The user's own OpenAI-compatible server, if they set one up. */
  readonly endpoint: Endpoint;
  engine: EngineHost = $state() as EngineHost;
  settings: Settings = $state({ ...DEFAULT_SETTINGS });
  /** The model picker's data, created when the picker first opens. */
  library: ModelLibrary | null = $state(null);
  /** A download that would not fit the storage quota, waiting for the user's decision. */
  quotaWarning: { modelId: string; message: string } | null = $state(null);

  /** 'memory' when this browser refuses IndexedDB: everything works until the tab closes. */
  storageMode: StorageMode = $state('persistent');

  readonly #repos: Repositories;
  readonly #channel: ChatChannel;
  #storageErrorToast: number | null = null;
  /**
   * Settles once the engine has started, or after AFTER_ENGINE_MAX_MS: start-up reads nobody
   * waits on (the index worker's collections and the open conversation's documents, the rest of
   * a long conversation list) wait for it, rather than share this device's cores with the
   * engine's worker while the user waits for the composer.
   */
  #engineStarted: Promise<void> = Promise.resolve();

  private constructor(repos: Repositories, settings: Settings, choice: EngineChoice) {
    this.#repos = repos;
    this.settings = settings;
    this.#channel = openChatChannel((conversationId) => void this.chats.refresh(conversationId));
    this.endpoint = new Endpoint({ repo: repos.endpoint, allowedOrigin: allowedEndpointOrigin() });
    this.engine = this.#createEngine(choice);
    this.prompts = new PromptLibrary({ repo: repos.prompts });
    this.rag = new RagLibrary(new RagClient());
    this.observe = new Observability({
      repo: openTraceRepository(),
      onError: (error) => this.toasts.show(`Tracing failed: ${error instanceof Error ? error.message : String(error)}`, { tone: 'error' }),
    });
    this.guard = new Guard({ store: repos.guard, coordination: browserCoordination() });
    this.backups = new Backups({
      appVersion: APP_VERSION,
      save: saveFile,
      onRestored: (counts) => this.#afterRestore(counts),
      personaName: (personaId) => (personaId ? this.prompts.persona(personaId).name : undefined),
    });
    this.chats = new Chats({
      repo: repos.chats,
      engine: () => this.engine.ready,
      prepare: (conversation) => this.prepare(conversation),
      retrieve: (conversation, question, tokenBudget) => this.#retrieve(conversation, question, tokenBudget),
      tracer: this.observe.tracer,
      personaName: (personaId) => this.prompts.persona(personaId).name,
      onRetrievalError: (error) =>
        this.toasts.show(`Searching your documents failed, so this answer has no sources: ${error instanceof Error ? error.message : String(error)}`, {
          tone: 'error',
        }),
      onStorageError: (error) => this.#storageError(error),
      onStorageRecovered: () => this.#storageRecovered(),
      broadcast: (conversationId) => this.#channel.broadcast(conversationId),
      guard: this.guard,
      // Prompts leave the device only for the user's endpoint: its PII setting decides what goes.
      screen: (engine, request) => this.endpoint.screen(engine, request),
      onBlocked: (message) => this.toasts.show(message, { tone: 'error', durationMs: 15_000 }),
    });
  }

  /** The persona, system prompt, sampling and context window the next answer in `conversation` uses. */
  prepare(conversation: Pick<Conversation, 'settings'>): PreparedRequest {
    const own = conversation.settings ?? {};
    const persona = this.prompts.persona(own.personaId ?? this.settings.personaId);
    const contextWindow = this.engine.ready?.contextWindow ?? 4096;
    const layered = effectiveSampling(DEFAULT_SAMPLING, this.settings.sampling, persona.sampling, own.sampling);
    return {
      personaId: persona.id,
      systemPrompt: own.systemPrompt ?? persona.systemPrompt,
      // Validated again here: a stored value may predate the current model's smaller window.
      sampling: validateSampling(layered, DEFAULT_SAMPLING, contextWindow).value,
      contextWindow,
    };
  }

  /** Imports a templates-and-personas export; nothing is written unless the whole file is valid. */
  async importPrompts(file: File): Promise<void> {
    try {
      const counts = await this.prompts.import(await file.text());
      this.toasts.show(`Imported ${counts.templates} template${counts.templates === 1 ? '' : 's'} and ${counts.personas} persona${counts.personas === 1 ? '' : 's'}.`, {
        tone: 'success',
      });
    } catch (error) {
      this.toasts.show(`Nothing was imported: ${error instanceof Error ? error.message : String(error)}`, { tone: 'error', durationMs: 0 });
    }
  }

  /** The user's defaults for every conversation; `null` resets them to the app's. */
  async setDefaultSampling(sampling: Settings['sampling'] | null): Promise<void> {
    await this.#saveSetting('sampling', sampling ?? {});
  }

  async setDefaultPersona(personaId: string): Promise<void> {
    await this.#saveSetting('personaId', personaId);
  }

  /** The model the Load button offers: the last one used with this engine, or a default that fits. */
  get suggestedModelId(): string {
    const last = this.settings.lastModels[this.engine.kind];
    // A remote model is offered again only while its server is still set up.
    if (last && (!isRemoteModelId(last) || this.endpoint.config)) return last;
    if (this.engine.defaultModelId) return this.engine.defaultModelId;
    const smallestGguf = ggufCatalog()[0]?.id ?? 'Llama-3.2-1B-Instruct-q4f32_1-MLC';
    return this.engine.device ? defaultModelId(this.engine.device, smallestGguf) : smallestGguf;
  }

  /** Reads settings and the conversation list, then starts the engine in the background. */
  static async open(given?: Repositories, search: string = location.search): Promise<Studio> {
    // Before any store opens: where IndexedDB is refused, an in-memory one takes its place.
    const storageMode = given ? 'persistent' : await ensureStorage(DATABASES.settings);
    const repos = given ?? openRepositories();
    let settingsError: unknown = null;
    const settings = await repos.settings.load().catch((error: unknown) => {
      settingsError = error;
      return { ...DEFAULT_SETTINGS };
    });
    const studio = new Studio(repos, settings, chooseEngine(search, settings.engine));
    studio.storageMode = storageMode;
    if (settingsError) studio.#storageError(settingsError);
    void studio.guard.refresh().catch((error: unknown) => studio.#storageError(error));
    // The engine starts now, alongside reading the conversations and the endpoint's settings
    // (only a remote model waits for those): its chunks and worker are the longest part of start-up.
    const endpointLoaded = studio.endpoint.load().catch((error: unknown) => studio.#storageError(error));
    studio.#engineStarted = Promise.race([studio.#startEngine(endpointLoaded), delay(AFTER_ENGINE_MAX_MS)]).catch(() => {});
    void studio.#engineStarted.then(() => Promise.all([studio.rag.refreshCollections(), studio.chats.completeList().catch((error: unknown) => studio.#storageError(error))]));
    await Promise.all([studio.chats.init(), studio.prompts.load().catch((error: unknown) => studio.#storageError(error)), endpointLoaded]);
    return studio;
  }

  /**
   * Loads a model. A download that would not fit the browser's storage quota waits for the
   * user's decision (`quotaWarning`) unless `force` is set.
   */
  async loadModel(modelId: string = this.suggestedModelId, options: { force?: boolean; takeOver?: boolean } = {}): Promise<void> {
    this.quotaWarning = null;
    // A remote model downloads nothing.
    if (!options.force && !isRemoteModelId(modelId)) {
      const warning = await this.#quotaProblem(modelId);
      if (warning) {
        this.quotaWarning = { modelId, message: warning };
        return;
      }
    }
    await this.engine.load(modelId, { takeOver: options.takeOver ?? false });
  }

  /** Loads a GGUF model the user opened from disk (copied into this browser's storage first). */
  async openLocalModel(files: File[]): Promise<void> {
    let modelId: string;
    try {
      modelId = await this.engine.importLocalModel(files);
    } catch (error) {
      this.toasts.show(`Could not open the model: ${error instanceof Error ? error.message : String(error)}`, { tone: 'error', durationMs: 0 });
      return;
    }
    await this.loadModel(modelId);
  }

  /** Downloads and loads a GGUF model from a URL or a Hugging Face repository and file. */
  async loadFromUrl(input: { url: string } | { repo: string; file: string }): Promise<void> {
    const url = 'url' in input ? input.url.trim() : huggingFaceUrl(input.repo.trim(), input.file.trim());
    if (!/^https:\/\/huggingface\.co\/|^\//.test(url) && !url.startsWith(location.origin)) {
      this.toasts.show('Models can be downloaded from Hugging Face or from this site only (the page’s security policy allows no other hosts).', {
        tone: 'error',
        durationMs: 0,
      });
      return;
    }
    if (!/\.gguf$/i.test(url)) {
      this.toasts.show('That address does not end in .gguf: Hearth downloads GGUF model files only.', { tone: 'error' });
      return;
    }
    await this.loadModel(`${GGUF_PREFIX}${new URL(url, location.href).href}`);
  }

  /** Opens (and refreshes) the model library for the picker. */
  async openLibrary(): Promise<ModelLibrary> {
    this.library ??= new ModelLibrary(this.engine);
    await this.library.refresh();
    return this.library;
  }

  async deleteDownloadedModel(modelId: string): Promise<void> {
    const library = await this.openLibrary();
    try {
      await library.remove(modelId);
      this.toasts.show(`Deleted the downloaded files of ${ggufDisplayName(modelId)}.`);
    } catch (error) {
      this.toasts.show(`Could not delete ${modelId}: ${error instanceof Error ? error.message : String(error)}`, { tone: 'error' });
    }
  }

  async persistStorage(): Promise<void> {
    const granted = await (await this.openLibrary()).persist();
    this.toasts.show(
      granted
        ? 'The browser will keep downloaded models and conversations even when storage runs low.'
        : 'The browser declined to make storage persistent. Installing Hearth as an app or bookmarking it often helps.',
      { tone: granted ? 'success' : 'info' },
    );
  }

  /** Switches engine in place and remembers the choice. */
  async useEngine(kind: EngineChoice['kind']): Promise<void> {
    if (kind === this.engine.kind) return;
    if (this.chats.generating) await this.chats.active?.stop();
    const { script, simulatedQuotaBytes } = this.engine.choice;
    this.engine.dispose();
    this.library = null;
    this.engine = this.#createEngine({ kind, source: 'setting', script, simulatedQuotaBytes });
    await this.#saveSetting('engine', kind);
    await this.#startEngine();
  }

  /** A fixed seed makes answers reproducible, which is what lets the response cache serve them. */
  async setFixedSeed(on: boolean): Promise<void> {
    const { seed: _previous, ...rest } = this.settings.sampling;
    await this.#saveSetting('sampling', on ? { ...rest, seed: FIXED_SEED } : rest);
  }

  async setLimits(limits: Limits): Promise<void> {
    try {
      await this.guard.setLimits(limits);
      this.toasts.show('Limits saved.', { tone: 'success', durationMs: 2000 });
    } catch (error) {
      this.#storageError(error);
    }
  }

  async clearResponseCache(): Promise<void> {
    try {
      const cleared = await this.guard.clearCache();
      this.toasts.show(cleared === 1 ? 'Cleared 1 cached answer.' : `Cleared ${cleared} cached answers.`);
    } catch (error) {
      this.#storageError(error);
    }
  }

  async deleteConversation(id: string): Promise<void> {
    const deleted = await this.chats.remove(id);
    if (!deleted) return;
    // The conversation's documents go only once Undo is no longer possible.
    let restored = false;
    setTimeout(() => {
      if (!restored) void this.rag.deleteTarget({ kind: 'conversation', id });
    }, UNDO_WINDOW_MS + 1000);
    this.toasts.show(`Deleted “${deleted.conversation.title}”.`, {
      durationMs: UNDO_WINDOW_MS,
      action: {
        label: 'Undo',
        run: () => {
          restored = true;
          void this.chats.restore(deleted);
        },
      },
    });
  }

  /** The document a cited source comes from, with the passage to highlight; null (and a notice) when it is gone. */
  async openSource(source: AnswerSource): Promise<OpenedCitation | null> {
    // Messages are reactive proxies, which cannot cross into the index worker.
    const { target, documentId, start, end, documentName } = $state.snapshot(source);
    try {
      return await this.rag.openRange(target, documentId, start, end);
    } catch (error) {
      const gone = error instanceof RagError && error.code === 'not-found';
      this.toasts.show(
        gone
          ? `“${documentName}” is no longer attached, so the passage cannot be shown; the answer keeps the cited text.`
          : `Could not open “${documentName}”: ${error instanceof Error ? error.message : String(error)}`,
        { tone: 'error' },
      );
      return null;
    }
  }

  /** Creates a collection from files and lets the open conversation search it. */
  async newCollection(name: string, files: File[], conversation: ChatSessionLike): Promise<void> {
    const collection = await this.rag.createCollection(name);
    if (!collection) return;
    await this.attachFiles(files, { kind: 'collection', id: collection.id });
    const settings = conversation.conversation.settings;
    await conversation.updateSettings({ ...settings, collections: [...(settings?.collections ?? []), collection.id] });
  }

  /** Loads the thumbs given to these answers. */
  async loadFeedback(messageIds: readonly string[]): Promise<void> {
    try {
      this.feedback = await this.observe.feedbackFor(messageIds);
    } catch {
      this.feedback = new Map();
    }
  }

  /** Thumbs up or down (again: replaced), with an optional comment. */
  async rate(messageId: string, rating: Rating, comment?: string): Promise<void> {
    // Shown at once; taken back if it cannot be stored.
    const before = this.feedback;
    this.feedback = new Map(before).set(messageId, { rating, ...(comment ? { comment } : {}), at: Date.now() });
    await this.observe.stored();
    const saved = await this.observe.setFeedback(messageId, rating, comment).catch(() => false);
    if (!saved) {
      this.feedback = before;
      this.toasts.show('This answer has no trace to attach feedback to (it was written before tracing, or its trace expired).', { tone: 'error' });
    }
  }

  /** Downloads every stored trace, as Hearth JSON (re-importable) or OTLP/JSON for OpenTelemetry tools. */
  async exportTraces(format: 'json' | 'otlp'): Promise<void> {
    try {
      const text = format === 'json' ? await this.observe.exportJson() : await this.observe.exportOtlp();
      const name = saveFile(format === 'json' ? 'hearth-traces' : 'hearth-traces-otlp', text);
      this.toasts.show(`Saved ${name}.`, { tone: 'success' });
    } catch (error) {
      this.toasts.show(`The traces could not be exported: ${error instanceof Error ? error.message : String(error)}`, { tone: 'error' });
    }
  }

  /** Imports a Hearth trace export; a file that is not one is refused before anything is written. */
  async importTraces(file: File): Promise<void> {
    try {
      const result = await this.observe.importJson(await file.text());
      const parts = [`${result.added} trace${result.added === 1 ? '' : 's'} imported`];
      if (result.duplicates > 0) parts.push(`${result.duplicates} already here`);
      if (result.expired > 0) parts.push(`${result.expired} too old to keep`);
      this.toasts.show(`${parts.join(', ')}.`, { tone: 'success' });
      await this.observe.loadLeaderboard();
    } catch (error) {
      this.toasts.show(`Nothing was imported: ${error instanceof Error ? error.message : String(error)}`, { tone: 'error', durationMs: 0 });
    }
  }

  /**
   * LLM-as-judge over past answers, with the model loaded now. The judge's own requests are not
   * traced (they would grade themselves) and wait while a chat answer is streaming.
   */
  async judgePastAnswers(): Promise<void> {
    if (!this.engine.ready || this.chats.generating) {
      this.toasts.show('Load a model (and let the current answer finish) to judge past answers with it.', { tone: 'error' });
      return;
    }
    const complete: Complete = async (messages, signal) => {
      const engine = this.engine.ready;
      if (!engine) throw new Error('The model was unloaded.');
      let text = '';
      const sampling = { ...DEFAULT_SAMPLING, temperature: 0, max_tokens: JUDGE_MAX_TOKENS, seed: FIXED_SEED };
      for await (const event of engine.chat({ messages, sampling }, signal)) if (event.type === 'delta') text += event.text;
      return text;
    };
    await this.observe.evaluatePast({ evaluators: [judgeEvaluator(complete)], onlyMissing: true });
  }

  /** Shows the documents of the conversation now open. */
  async openAttachments(conversationId: string): Promise<void> {
    await this.#engineStarted;
    await this.rag.open({ kind: 'conversation', id: conversationId });
  }

  /** Adds files to the open conversation (or a collection); problems are listed by the library. */
  async attachFiles(files: File[], target?: TargetRef): Promise<void> {
    const result = await this.rag.add(files, target ?? this.rag.target);
    if (result && result.added.length > 0) {
      this.toasts.show(`Added ${result.added.length} file${result.added.length === 1 ? '' : 's'}: answers will search ${result.added.length === 1 ? 'it' : 'them'} and cite passages.`, {
        tone: 'success',
      });
    }
  }

  async #retrieve(conversation: Conversation, question: string, tokenBudget: number): Promise<Retrieved | null> {
    const targets: TargetRef[] = [
      { kind: 'conversation', id: conversation.id },
      ...(conversation.settings?.collections ?? []).map((id): TargetRef => ({ kind: 'collection', id })),
    ];
    // Nothing to search: no documents here and no collections attached.
    const own = this.rag.target?.kind === 'conversation' && this.rag.target.id === conversation.id ? this.rag.documents.length : 1;
    if (own === 0 && targets.length === 1) return null;
    const context = await this.rag.query(question, { tokenBudget, targets, excluded: new Set(conversation.settings?.excludedChunks ?? []) });
    if (context.candidates.length === 0) return null;
    return { block: context.block, retrieval: toAnswerRetrieval(context) };
  }

  /** A restore wrote to storage: everything shown is read again, here and in the other tabs. */
  async #afterRestore(counts: RestoreCounts): Promise<void> {
    if (counts.settings === 'restored') this.settings = await this.#repos.settings.load();
    await Promise.all([this.prompts.load(), this.chats.refresh(null), this.guard.refresh(), this.rag.refreshCollections(), this.observe.loadLeaderboard()]);
    // An empty new chat was open: show the newest restored conversation instead.
    const newest = this.chats.conversations[0];
    if (newest && (!this.chats.active || this.chats.active.isEmpty)) await this.chats.select(newest.id);
    this.#channel.broadcast(null);
  }

  async clearAll(): Promise<void> {
    await this.chats.clearAll();
    this.toasts.show('All conversations were deleted.');
  }

  dispose(): void {
    this.#channel.close();
    this.guard.dispose();
    this.engine.dispose();
  }

  #createEngine(choice: EngineChoice): EngineHost {
    return new EngineHost(choice, { onEvent: (event) => this.#onEngineEvent(event), remote: this.endpoint });
  }

  /**
   * A model downloads only when the user asks; one already in the browser cache loads at once,
   * as does the demo engine's own model (it downloads nothing real).
   */
  async #startEngine(endpointLoaded?: Promise<unknown>): Promise<void> {
    const engine = this.engine;
    // Its module loads while the device is probed.
    void engine.cache().catch(() => {});
    await engine.init();
    // Only a remote model needs the endpoint's settings, which may still be being read.
    if (isRemoteModelId(this.settings.lastModels[engine.kind] ?? '')) await endpointLoaded;
    if (engine.state.phase !== 'idle') return;
    const modelId = this.suggestedModelId;
    // The last remote model is "cached" when its endpoint can be asked without the user (no locked key).
    if (isRemoteModelId(modelId)) {
      if (this.endpoint.usable) await this.loadModel(modelId);
      return;
    }
    // The demo engine's own model loads either way: only another model needs the cache's word.
    const fallback = engine.defaultModelId;
    const cached =
      modelId !== fallback &&
      (await engine
        .cache()
        .then((cache) => cache.has(modelId))
        .catch(() => false));
    if (engine !== this.engine) return;
    if (cached) await this.loadModel(modelId);
    else if (fallback) await this.loadModel(fallback);
  }

  #onEngineEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'ready':
        this.toasts.show(event.recovered ? `${ggufDisplayName(event.modelId)} is back. Your conversation is intact.` : `${ggufDisplayName(event.modelId)} is ready.`, {
          tone: 'success',
        });
        void this.#saveSetting('lastModels', { ...this.settings.lastModels, [this.engine.kind]: event.modelId });
        void this.library?.refresh();
        return;
      case 'recovering':
        this.toasts.show(`${recoveryReason(event.error.code)} Reloading ${ggufDisplayName(event.modelId)}; your conversation is kept.`, {
          tone: 'error',
        });
        return;
      case 'failed':
        this.toasts.show(describeLoadFailure(ggufDisplayName(event.modelId), event.error), { tone: 'error', durationMs: 0 });
        void this.library?.refresh();
        return;
      case 'released':
        this.toasts.show(`${ggufDisplayName(event.modelId)} moved to another Hearth tab.`);
        return;
    }
  }

  async #quotaProblem(modelId: string): Promise<string | null> {
    try {
      const cache = await this.engine.cache();
      // Asked together: each is a round trip to the browser's storage, slow while start-up keeps it busy.
      const [models, storage, entry] = await Promise.all([cache.list(), cache.storage(), catalogEntry(modelId)]);
      const stored = models.find((model) => model.id === modelId);
      // A model outside the catalogs (a GGUF from a URL) has no size to check until it downloads.
      if (stored?.complete || !entry) return null;
      const verdict = checkQuota(entry.downloadBytes - (stored?.bytes ?? 0), storage);
      return verdict.ok ? null : verdict.message;
    } catch {
      // Not knowing the quota must not block a load; the download itself reports a full disk.
      return null;
    }
  }

  async #saveSetting<K extends keyof Settings>(name: K, value: Settings[K]): Promise<void> {
    this.settings[name] = value;
    await this.#repos.settings.set(name, value).catch((error: unknown) => this.#storageError(error));
  }

  #storageError(error: unknown): void {
    // One notice at a time: while storage stays full, every checkpoint of an answer fails again.
    if (this.#storageErrorToast !== null && this.toasts.items.some((toast) => toast.id === this.#storageErrorToast)) return;
    const quota = error instanceof DOMException && error.name === 'QuotaExceededError';
    const message = quota
      ? 'Browser storage is full: recent changes are kept in this tab and saved once there is room. Free some space (delete old conversations or a downloaded model).'
      : `Could not save to browser storage: ${error instanceof Error ? error.message : String(error)}. Recent changes are kept in this tab.`;
    this.#storageErrorToast = this.toasts.show(message, { tone: 'error', durationMs: 0 });
  }

  #storageRecovered(): void {
    if (this.#storageErrorToast !== null) this.toasts.dismiss(this.#storageErrorToast);
    this.#storageErrorToast = null;
    this.toasts.show('Saved: everything kept in this tab is stored again.', { tone: 'success' });
  }
}

function recoveryReason(code: string): string {
  return code === 'device-lost' ? 'The GPU was reset (often from running out of memory).' : 'The engine worker stopped unexpectedly.';
}

