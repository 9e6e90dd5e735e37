/**
 * All conversations: the sidebar list, which one is open, and the sessions still generating
 * in the background after the user switched away.
 */
import type { DeletedConversation } from '../storage/chats';
import { placed, sameRecent, summaryOf } from '../storage/recent';
import { ChatSession, type SessionDeps } from './session.svelte';
import type { Conversation, ConversationSummary } from './types';

type ListChange = (list: readonly ConversationSummary[]) => ConversationSummary[];

export type ChatsDeps = Omit<SessionDeps, 'onSaved'> & {
  /** Tells other tabs that a conversation changed; `null` means all of them. */
  broadcast?(conversationId: string | null): void;
};

export class Chats {
  /** Newest first. Until `loaded`, only the newest (the recent record, see storage/recent.ts). */
  conversations: ConversationSummary[] = $state.raw([]);
  active: ChatSession | null = $state(null);
  /** Whether `conversations` is the whole list. */
  loaded = $state(false);

  /** Open sessions by id: the active one and any still generating. */
  readonly #sessions = new Map<string, ChatSession>();
  readonly #deps: SessionDeps;
  readonly #broadcast: (conversationId: string | null) => void;
  /** Whether the whole list was read since start-up. */
  #listChecked = true;
  /** Changes made while a full read is under way, replayed on what it returns. */
  #changesDuringRead: ListChange[] | null = null;

  constructor(deps: ChatsDeps) {
    this.#broadcast = deps.broadcast ?? (() => {});
    this.#deps = { ...deps, onSaved: (conversation) => this.#onSaved(conversation) };
  }

  get generating(): boolean {
    return [...this.#sessions.values()].some((session) => session.generating);
  }

  /**
   * Shows the newest conversations (the recent record, see storage/recent.ts) and opens the most
   * recent one, or a new one. `completeList` reads the rest.
   */
  async init(): Promise<void> {
    const recent = await this.#deps.repo.recentConversations().catch(() => null);
    if (recent) {
      this.conversations = recent.conversations;
      this.loaded = recent.complete;
      this.#listChecked = false;
    } else await this.#readAll();
    const newest = this.conversations[0];
    if (newest) await this.select(newest.id);
    else this.newChat();
  }

  /**
   * After start-up: reads every header once, for the rest of a long list and to check the recent
   * record, which a write that did not keep it (an older Hearth's) would have left stale.
   */
  async completeList(): Promise<void> {
    if (this.#listChecked) return;
    this.#listChecked = true;
    await this.#readAll();
  }

  async select(id: string): Promise<void> {
    if (this.active?.id === id) return;
    let session = this.#sessions.get(id);
    if (!session) {
      // Read afresh: the list holds only what the sidebar shows, and another tab may have changed it.
      const conversation = await this.#deps.repo.getConversation(id);
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
    this.#changeList((list) => list.filter((item) => item.id !== id));
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
    this.#changeList(() => []);
    this.active = null;
    this.newChat();
    this.#broadcast(null);
  }

  /** Another tab changed `conversationId` (or everything, when null). */
  async refresh(conversationId: string | null): Promise<void> {
    if (conversationId === null) await this.#readAll();
    else {
      // One header, not the whole list: another tab streaming an answer says so at every checkpoint.
      const header = await this.#deps.repo.getConversation(conversationId);
      this.#changeList((list) => (header ? placed(list, summaryOf(header)) : list.filter((item) => item.id !== conversationId)));
    }
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
    this.#changeList((list) => placed(list, summaryOf(conversation)));
    this.#broadcast(conversation.id);
  }

  #changeList(change: ListChange): void {
    this.conversations = change(this.conversations);
    this.#changesDuringRead?.push(change);
  }

  /** Reads every header (a few hundred ms with 10,000), and the recent record again if it was stale. */
  async #readAll(): Promise<void> {
    const changes: ListChange[] = [];
    this.#changesDuringRead = changes;
    try {
      const [all, recent] = await Promise.all([this.#deps.repo.listConversations(), this.#deps.repo.recentConversations().catch(() => null)]);
      // What changed here while the read ran may or may not be in it; replaying is idempotent.
      this.conversations = changes.reduce<ConversationSummary[]>((list, change) => change(list), all.map(summaryOf));
      this.loaded = true;
      if (changes.length === 0 && (!recent || !sameRecent(recent, this.#deps.repo.recentOf(all)))) void this.#deps.repo.saveRecent(all).catch(() => {});
    } finally {
      if (this.#changesDuringRead === changes) this.#changesDuringRead = null;
    }
  }
}
