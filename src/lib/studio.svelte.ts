/**
 * The composition root: storage, the engine, conversations and notices, wired together once.
 * Components receive this object and call its methods; they hold no logic of their own.
 */
import { Chats } from './chat/chats.svelte';
import { openChatChannel, type ChatChannel } from './chat/sync';
import { DEFAULT_MODEL_ID, DEFAULT_SAMPLING, DEFAULT_SYSTEM_PROMPT, UNDO_WINDOW_MS } from './config';
import { chooseEngine, type EngineChoice } from './engine/choice';
import { EngineHost } from './engine/engine.svelte';
import type { EngineKind } from './engine/protocol';
import { Toasts } from './notify/toasts.svelte';
import { openRepositories, type Repositories } from './storage/db';
import { DEFAULT_SETTINGS, type Settings } from './storage/settings';

export class Studio {
  readonly toasts = new Toasts();
  readonly chats: Chats;
  engine: EngineHost = $state() as EngineHost;
  settings: Settings = $state({ ...DEFAULT_SETTINGS });

  readonly #repos: Repositories;
  readonly #channel: ChatChannel;

  private constructor(repos: Repositories, settings: Settings, choice: EngineChoice) {
    this.#repos = repos;
    this.settings = settings;
    this.#channel = openChatChannel((conversationId) => void this.chats.refresh(conversationId));
    this.engine = new EngineHost(choice);
    this.chats = new Chats({
      repo: repos.chats,
      engine: () => this.engine.ready,
      systemPrompt: () => DEFAULT_SYSTEM_PROMPT,
      sampling: () => DEFAULT_SAMPLING,
      onStorageError: (error) => this.#storageError(error),
      broadcast: (conversationId) => this.#channel.broadcast(conversationId),
    });
  }

  /** The model the Load button offers: the last one used, or the default. */
  get suggestedModelId(): string {
    return this.engine.defaultModelId ?? this.settings.modelId ?? DEFAULT_MODEL_ID;
  }

  /** Reads settings and the conversation list, then starts the engine in the background. */
  static async open(repos: Repositories = openRepositories(), search: string = location.search): Promise<Studio> {
    let settingsError: unknown = null;
    const settings = await repos.settings.load().catch((error: unknown) => {
      settingsError = error;
      return { ...DEFAULT_SETTINGS };
    });
    const studio = new Studio(repos, settings, chooseEngine(search, settings.engine));
    if (settingsError) studio.#storageError(settingsError);
    await studio.chats.init();
    void studio.#startEngine();
    return studio;
  }

  async loadModel(modelId: string = this.suggestedModelId): Promise<void> {
    await this.engine.load(modelId);
    const state = this.engine.state;
    if (state.phase === 'ready') {
      this.toasts.show(`${state.modelId} is ready.`, { tone: 'success' });
      if (this.engine.kind === 'webllm') await this.#saveSetting('modelId', state.modelId);
    } else if (state.phase === 'failed') {
      this.toasts.show(`Could not load ${state.modelId}: ${state.error.message}`, { tone: 'error', durationMs: 0 });
    }
  }

  /** Switches engine in place and remembers the choice. */
  async useEngine(kind: EngineKind): Promise<void> {
    if (kind === this.engine.kind) return;
    if (this.chats.generating) await this.chats.active?.stop();
    this.engine.dispose();
    this.engine = new EngineHost({ kind, source: 'setting', script: this.engine.choice.script });
    await this.#saveSetting('engine', kind);
    await this.#startEngine();
  }

  async deleteConversation(id: string): Promise<void> {
    const deleted = await this.chats.remove(id);
    if (!deleted) return;
    this.toasts.show(`Deleted “${deleted.conversation.title}”.`, {
      durationMs: UNDO_WINDOW_MS,
      action: { label: 'Undo', run: () => void this.chats.restore(deleted) },
    });
  }

  async clearAll(): Promise<void> {
    await this.chats.clearAll();
    this.toasts.show('All conversations were deleted.');
  }

  dispose(): void {
    this.#channel.close();
    this.engine.dispose();
  }

  async #startEngine(): Promise<void> {
    await this.engine.init();
    // The demo engine has nothing to download, so it loads at once; real models wait for the user.
    if (this.engine.kind === 'scripted') await this.loadModel();
  }

  async #saveSetting<K extends keyof Settings>(name: K, value: Settings[K]): Promise<void> {
    this.settings[name] = value;
    await this.#repos.settings.set(name, value).catch((error: unknown) => this.#storageError(error));
  }

  #storageError(error: unknown): void {
    const quota = error instanceof DOMException && error.name === 'QuotaExceededError';
    const message = quota
      ? 'Browser storage is full: recent changes are kept in this tab but not saved. Free some space or delete old conversations.'
      : `Could not save to browser storage: ${error instanceof Error ? error.message : String(error)}`;
    this.toasts.show(message, { tone: 'error', durationMs: 0 });
  }
}
