/**
 * All conversations: the sidebar list, which one is open, and the sessions still generating
 * in the background after the user switched away.
 */
import type { DeletedConversation } from '../storage/chats';
import { ChatSession, type SessionDeps } from './session.svelte';
import type { Conversation } from './types';

export type ChatsDeps = Omit<SessionDeps, 'onSaved'> & {
  /** Tells other tabs that a conversation changed; `null` means all of them. */
  broadcast?(conversationId: string | null): void;
};

export class Chats {
  conversations: Conversation[] = $state.raw([]);
  active: ChatSession | null = $state(null);
  loaded = $state(false);

  /** Open sessions by id: the active one and any still generating. */
  readonly #sessions = new Map<string, ChatSession>();
  readonly #deps: SessionDeps;
  readonly #broadcast: (conversationId: string | null) => void;

  constructor(deps: ChatsDeps) {
    this.#broadcast = deps.broadcast ?? (() => {});
    this.#deps = { ...deps, onSaved: (conversation) => this.#onSaved(conversation) };
  }

  get generating(): boolean {
    return [...this.#sessions.values()].some((session) => session.generating);
  }

  /** Loads the list and opens the most recent conversation (or a new one). */
  async init(): Promise<void> {
    this.conversations = await this.#deps.repo.listConversations();
    this.loaded = true;
    const newest = this.conversations[0];
    if (newest) await this.select(newest.id);
    else this.newChat();
  }

  async select(id: string): Promise<void> {
    if (this.active?.id === id) return;
    let session = this.#sessions.get(id);
    if (!session) {
      const conversation = this.conversations.find((item) => item.id === id) ?? (await this.#deps.repo.getConversation(id));
      if (!conversation) return;
      session = await ChatSession.open(this.#deps, conversation);
    }
    this.#activate(session);
  }

  /** Opens an empty conversation; reuses the current one if it is already empty. */
  newChat(): void {
    if (this.active?.isEmpty && !this.active.generating) return;
    this.#activate(ChatSession.create(this.#deps));
  }

  async rename(id: string, title: string): Promise<void> {
    const clean = title.replace(/\s+/g, ' ').trim();
    if (!clean) return;
    const session = this.#sessions.get(id) ?? (await this.#openQuietly(id));
    await session?.rename(clean);
  }

  /** Deletes a conversation and returns what was removed, for Undo. */
  async remove(id: string): Promise<DeletedConversation | undefined> {
    // Stop first: a generation still running would save the conversation again after the delete.
    await this.#sessions.get(id)?.stop();
    const deleted = await this.#deps.repo.deleteConversation(id);
    this.#sessions.delete(id);
    this.conversations = this.conversations.filter((item) => item.id !== id);
    if (this.active?.id === id) {
      this.active = null;
      const next = this.conversations[0];
      if (next) await this.select(next.id);
      else this.newChat();
    }
    this.#broadcast(id);
    return deleted;
  }

  async restore(deleted: DeletedConversation): Promise<void> {
    await this.#deps.repo.restore(deleted);
    this.#onSaved(deleted.conversation);
    await this.select(deleted.conversation.id);
  }

  async clearAll(): Promise<void> {
    await Promise.all([...this.#sessions.values()].map((session) => session.stop()));
    await this.#deps.repo.clearAll();
    this.#sessions.clear();
    this.conversations = [];
    this.active = null;
    this.newChat();
    this.#broadcast(null);
  }

  /** Another tab changed `conversationId` (or everything, when null). */
  async refresh(conversationId: string | null): Promise<void> {
    this.conversations = await this.#deps.repo.listConversations();
    const active = this.active;
    if (!active || (conversationId !== null && conversationId !== active.id)) return;
    const stillThere = this.conversations.some((item) => item.id === active.id);
    if (stillThere) await active.reload();
    else if (!active.isEmpty) {
      this.#sessions.delete(active.id);
      this.active = null;
      const next = this.conversations[0];
      if (next) await this.select(next.id);
      else this.newChat();
    }
  }

  #activate(session: ChatSession): void {
    this.#sessions.set(session.id, session);
    this.active = session;
    // Sessions that are neither open nor generating hold nothing worth keeping in memory.
    for (const [id, other] of this.#sessions) {
      if (other !== session && !other.generating) this.#sessions.delete(id);
    }
  }

  async #openQuietly(id: string): Promise<ChatSession | undefined> {
    const conversation = await this.#deps.repo.getConversation(id);
    return conversation ? ChatSession.open(this.#deps, conversation) : undefined;
  }

  #onSaved(conversation: Conversation): void {
    // One pass instead of a sort: this runs at every streaming checkpoint, with lists of thousands.
    const others = this.conversations.filter((item) => item.id !== conversation.id);
    const at = others.findIndex((item) => item.updatedAt <= conversation.updatedAt);
    others.splice(at === -1 ? others.length : at, 0, conversation);
    this.conversations = others;
    this.#broadcast(conversation.id);
  }
}
