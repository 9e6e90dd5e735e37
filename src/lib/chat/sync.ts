/**
 * Tells other open tabs that conversations changed, so their sidebars and open chats stay
 * current. Messages carry only ids; every tab re-reads IndexedDB, the one source of truth.
 */
const CHANNEL = 'hearth-chats';

interface ChangedMessage {
  kind: 'conversation-changed';
  /** null: everything changed (e.g. clear all). */
  conversationId: string | null;
}

export interface ChatChannel {
  broadcast(conversationId: string | null): void;
  close(): void;
}

export function openChatChannel(onChange: (conversationId: string | null) => void): ChatChannel {
  if (typeof BroadcastChannel === 'undefined') return { broadcast: () => {}, close: () => {} };
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event: MessageEvent<ChangedMessage>) => {
    if (event.data?.kind === 'conversation-changed') onChange(event.data.conversationId);
  };
  return {
    broadcast: (conversationId) => channel.postMessage({ kind: 'conversation-changed', conversationId } satisfies ChangedMessage),
    close: () => channel.close(),
  };
}
