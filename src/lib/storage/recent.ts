/**
 * The newest conversations, in one record of the chats store (['recent']), so that start-up can
 * show the sidebar without reading every header: with 10,000 conversations, reading them all
 * takes a few hundred milliseconds.
 *
 * Invariant: `conversations` is always a prefix of the full list, newest first; `complete` says
 * it is the whole list. Every header write updates the record in the same transaction (see
 * chats.ts), and a write that cannot keep the invariant drops the record instead; the next full
 * read writes it again.
 */
import type { Conversation, ConversationSummary } from '../chat/types';

/** More than a sidebar shows at once, few enough to rewrite at every save. */
export const RECENT_LIMIT = 50;

export interface RecentConversations {
  conversations: ConversationSummary[];
  complete: boolean;
}

export const summaryOf = ({ id, title, createdAt, updatedAt }: ConversationSummary): ConversationSummary => ({ id, title, createdAt, updatedAt });

export function byNewest(a: ConversationSummary, b: ConversationSummary): number {
  return b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : 1);
}

/** `list` (newest first) with `conversation` put where it now sorts. */
export function placed<T extends ConversationSummary>(list: readonly T[], conversation: T): T[] {
  const others = list.filter((item) => item.id !== conversation.id);
  // One pass instead of a sort: this runs at every streaming checkpoint, with lists of thousands.
  const at = others.findIndex((item) => byNewest(conversation, item) < 0);
  others.splice(at === -1 ? others.length : at, 0, conversation);
  return others;
}

/** The record for a full list, newest first. */
export function recentOf(all: readonly ConversationSummary[], limit = RECENT_LIMIT): RecentConversations {
  return { conversations: all.slice(0, limit).map(summaryOf), complete: all.length <= limit };
}

/** The record after `header` was saved. */
export function afterSave(recent: RecentConversations, header: Conversation, limit = RECENT_LIMIT): RecentConversations {
  const summary = summaryOf(header);
  const last = recent.conversations.filter((item) => item.id !== summary.id).at(-1);
  // Outside a partial list's span, a conversation's place is unknown: others not listed may be newer.
  const within = recent.complete || (last !== undefined && byNewest(summary, last) < 0);
  const conversations = within ? placed(recent.conversations, summary) : recent.conversations.filter((item) => item.id !== summary.id);
  return conversations.length > limit
    ? { conversations: conversations.slice(0, limit), complete: false }
    : { conversations, complete: recent.complete };
}

export function afterDelete(recent: RecentConversations, id: string): RecentConversations {
  return { conversations: recent.conversations.filter((item) => item.id !== id), complete: recent.complete };
}

/** Whether the record says what a full read found. */
export function sameRecent(a: RecentConversations, b: RecentConversations): boolean {
  return (
    a.complete === b.complete &&
    a.conversations.length === b.conversations.length &&
    a.conversations.every((item, index) => {
      const other = b.conversations[index]!;
      return item.id === other.id && item.title === other.title && item.updatedAt === other.updatedAt && item.createdAt === other.createdAt;
    })
  );
}
