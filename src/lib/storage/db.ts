/**
 * Where Hearth keeps its data: IndexedDB, one database per concern (idb-keyval opens one
 * object store per database). Nothing here leaves the device.
 *
 *   hearth-chats     / records   conversations and messages (see chats.ts)
 *   hearth-settings  / settings  app settings by name (see settings.ts)
 *   hearth-rag       / records   documents, chunks and search indexes (see rag/repository.ts; written by the index worker)
 *
 * Stores open lazily on first use, so the first paint never waits for IndexedDB.
 */
import { createStore, type UseStore } from 'idb-keyval';
import { ChatRepository } from './chats';
import { SettingsRepository } from './settings';

export const DATABASES = {
  chats: ['hearth-chats', 'records'],
  settings: ['hearth-settings', 'settings'],
  rag: ['hearth-rag', 'records'],
} as const satisfies Record<string, readonly [string, string]>;

const open = (name: keyof typeof DATABASES): UseStore => {
  const [database, store] = DATABASES[name];
  return createStore(database, store);
};

export interface Repositories {
  chats: ChatRepository;
  settings: SettingsRepository;
}

export function openRepositories(): Repositories {
  return {
    chats: new ChatRepository(open('chats')),
    settings: new SettingsRepository(open('settings')),
  };
}
