/**
 * Conversations and their messages, in one IndexedDB object store so that a conversation and
 * its messages always change in one transaction:
 *
 *   ['conversation', id]                             → Conversation
 *   ['message', conversationId, createdAt, id]        → ChatMessage
 *   ['recent']                                       → RecentConversations (see recent.ts)
 *
 * Messages are stored one record each: a save touches only what changed (never the whole
 * history), and two tabs adding messages to the same conversation cannot overwrite each other.
 */
import { promisifyRequest, type UseStore } from 'idb-keyval';
import type { ChatMessage, Conversation } from '../chat/types';
import { prefixRange } from './keys';
import { afterDelete, afterSave, byNewest, RECENT_LIMIT, recentOf, type RecentConversations } from './recent';
import { stamp, upgrade } from './schema';

type Key = IDBValidKey[];

export const conversationKey = (id: string): Key => ['conversation', id];
export const messageKey = (message: Pick<ChatMessage, 'conversationId' | 'createdAt' | 'id'>): Key => [
  'message',
  message.conversationId,
  message.createdAt,
  message.id,
];
const messagesOf = (conversationId: string): IDBKeyRange => prefixRange('message', conversationId);
export const RECENT_KEY: Key = ['recent'];

/** Everything a deletion removed, so Undo can put it back exactly. */
export interface DeletedConversation {
  conversation: Conversation;
  messages: ChatMessage[];
}

export class ChatRepository {
  /** `recentLimit`: how many conversations the recent record keeps (tests make it small). */
  constructor(
    private readonly store: UseStore,
    private readonly recentLimit = RECENT_LIMIT,
  ) {}

  /** Newest first. */
  async listConversations(): Promise<Conversation[]> {
    const records = await this.store('readonly', (store) => promisifyRequest(store.getAll(prefixRange('conversation'))));
    return records.map((record) => upgrade<Conversation>(record, 'conversation')).sort(byNewest);
  }

  /** The newest conversations without reading every header; null when the record is missing or unreadable. */
  async recentConversations(): Promise<RecentConversations | null> {
    const record = await this.store('readonly', (store) => promisifyRequest(store.get(RECENT_KEY)));
    return readRecent(record);
  }

  /** The recent record a full list, newest first, makes. */
  recentOf(all: readonly Conversation[]): RecentConversations {
    return recentOf(all, this.recentLimit);
  }

  /** Writes the recent record from a full list, newest first (after reading it all). */
  async saveRecent(all: readonly Conversation[]): Promise<void> {
    await this.store('readwrite', (store) => {
      store.put(stamp(this.recentOf(all)), RECENT_KEY);
      return promisifyRequest(store.transaction);
    });
  }

  async getConversation(id: string): Promise<Conversation | undefined> {
    const record = await this.store('readonly', (store) => promisifyRequest(store.get(conversationKey(id))));
    return record === undefined ? undefined : upgrade<Conversation>(record, 'conversation');
  }

  async loadMessages(conversationId: string): Promise<ChatMessage[]> {
    const records = await this.store('readonly', (store) => promisifyRequest(store.getAll(messagesOf(conversationId))));
    return records.map((record) => upgrade<ChatMessage>(record, 'message'));
  }

  /** Every conversation with its messages, read in one transaction (a consistent snapshot, for backups). */
  async loadAll(): Promise<Array<{ conversation: Conversation; messages: ChatMessage[] }>> {
    const [headers, records] = await this.store('readonly', (store) =>
      Promise.all([promisifyRequest(store.getAll(prefixRange('conversation'))), promisifyRequest(store.getAll(prefixRange('message')))]),
    );
    const byConversation = new Map<string, ChatMessage[]>();
    // Keys sort messages by conversation, then time: each list comes out in order.
    for (const record of records) {
      const message = upgrade<ChatMessage>(record, 'message');
      const list = byConversation.get(message.conversationId);
      if (list) list.push(message);
      else byConversation.set(message.conversationId, [message]);
    }
    return headers
      .map((record) => upgrade<Conversation>(record, 'conversation'))
      .sort(byNewest)
      .map((conversation) => ({ conversation, messages: byConversation.get(conversation.id) ?? [] }));
  }

  /**
   * Writes a conversation header and any changed messages atomically. With `changed`, only those
   * header fields are taken from `conversation` and the rest from what is stored, read in the
   * same transaction: another tab's rename or settings change made meanwhile is kept.
   */
  async save(conversation: Conversation, messages: readonly ChatMessage[] = [], changed?: ReadonlySet<HeaderField>): Promise<Conversation> {
    return this.store('readwrite', async (store) => {
      const key = conversationKey(conversation.id);
      let header = conversation;
      let failure: unknown = null;
      if (changed) {
        const request = store.get(key);
        request.onsuccess = () => {
          // A throw here would escape as an uncaught error; abort instead, and report it below.
          try {
            const stored = request.result === undefined ? undefined : upgrade<Conversation>(request.result, 'conversation');
            if (stored) header = mergeHeader(stored, conversation, changed);
            store.put(stamp(header), key);
          } catch (error) {
            failure = error;
            store.transaction.abort();
          }
        };
      } else {
        store.put(stamp(conversation), key);
      }
      // Requests succeed in the order they were made: by now the merge above has settled `header`.
      updateRecent(store, (recent) => afterSave(recent, header, this.recentLimit));
      for (const message of messages) store.put(stamp(message), messageKey(message));
      try {
        await promisifyRequest(store.transaction);
      } catch (error) {
        throw failure ?? error;
      }
      return header;
    });
  }

  async deleteMessages(messages: readonly ChatMessage[]): Promise<void> {
    await this.store('readwrite', (store) => {
      for (const message of messages) store.delete(messageKey(message));
      return promisifyRequest(store.transaction);
    });
  }

  async deleteConversation(id: string): Promise<DeletedConversation | undefined> {
    return this.store('readwrite', async (store) => {
      // All requests are queued before the first await, so they run in one transaction, in order.
      const committed = promisifyRequest(store.transaction);
      const header = promisifyRequest(store.get(conversationKey(id)));
      const messages = promisifyRequest(store.getAll(messagesOf(id)));
      store.delete(conversationKey(id));
      store.delete(messagesOf(id));
      updateRecent(store, (recent) => afterDelete(recent, id));
      const [conversation, messageRecords] = await Promise.all([header, messages, committed]);
      if (conversation === undefined) return undefined;
      return {
        conversation: upgrade<Conversation>(conversation, 'conversation'),
        messages: messageRecords.map((record) => upgrade<ChatMessage>(record, 'message')),
      };
    });
  }

  async restore(deleted: DeletedConversation): Promise<void> {
    await this.save(deleted.conversation, deleted.messages);
  }

  async clearAll(): Promise<void> {
    await this.store('readwrite', (store) => {
      store.clear();
      store.put(stamp(this.recentOf([])), RECENT_KEY);
      return promisifyRequest(store.transaction);
    });
  }
}

/** The header fields a session changes; `id` and `createdAt` never change. */
export type HeaderField = Exclude<keyof Conversation, 'id' | 'createdAt'>;

function mergeHeader(stored: Conversation, mine: Conversation, changed: ReadonlySet<HeaderField>): Conversation {
  const merged: Record<string, unknown> = { ...stored, updatedAt: Math.max(stored.updatedAt, mine.updatedAt) };
  for (const field of changed) {
    if (field === 'updatedAt') continue;
    if (mine[field] === undefined) delete merged[field];
    else merged[field] = mine[field];
  }
  return merged as unknown as Conversation;
}

function readRecent(record: unknown): RecentConversations | null {
  if (record === undefined) return null;
  try {
    return upgrade<RecentConversations>(record, 'list of recent conversations');
  } catch {
    return null;
  }
}

/** Changes the recent record within the caller's transaction; an unreadable one is dropped, to be written again by the next full read. */
function updateRecent(store: IDBObjectStore, change: (recent: RecentConversations) => RecentConversations): void {
  const request = store.get(RECENT_KEY);
  request.onsuccess = () => {
    if (request.result === undefined) return;
    const recent = readRecent(request.result);
    if (recent) store.put(stamp(change(recent)), RECENT_KEY);
    else store.delete(RECENT_KEY);
  };
}
