/**
 * Where Hearth keeps its data: IndexedDB, one database per concern (idb-keyval opens one
 * object store per database). Nothing here leaves the device.
 *
 *   hearth-chats     / records   conversations and messages (see chats.ts)
 *   hearth-settings  / settings  app settings by name (see settings.ts)
 *   hearth-prompts   / records   templates (with every version) and personas (see prompts.ts)
 *   hearth-guard     / guard     limits, token budgets, request rate and the response cache,
 *                                shared by every tab under one Web Lock (see guard.ts)
 *   hearth-traces    / records   generation traces with feedback and evaluations, under
 *                                retention limits (see observe/store.ts)
 *   hearth-rag       / records   documents, chunks and search indexes (see rag/repository.ts; written by the index worker)
 *   hearth-endpoint  / endpoint  the user's own OpenAI-compatible endpoint: address, timeout, PII
 *                                policy and the API key, sealed with a passphrase when the user
 *                                gave one (see endpoint.ts); never exported. Only the endpoint's
 *                                origin is also in localStorage ('hearth:endpoint-origin'), for
 *                                the page's CSP at startup (see endpoint/csp.ts)
 *
 * Stores open lazily on first use, so the first paint never waits for IndexedDB.
 */
import { createStore, type UseStore } from 'idb-keyval';
import { ChatRepository } from './chats';
import { EndpointRepository } from './endpoint';
import { PromptRepository } from './prompts';
import { GuardRepository } from './guard';
import { SettingsRepository } from './settings';

export const DATABASES = {
  chats: ['hearth-chats', 'records'],
  settings: ['hearth-settings', 'settings'],
  prompts: ['hearth-prompts', 'records'],
  guard: ['hearth-guard', 'guard'],
  traces: ['hearth-traces', 'records'],
  rag: ['hearth-rag', 'records'],
  endpoint: ['hearth-endpoint', 'endpoint'],
} as const satisfies Record<string, readonly [string, string]>;

const open = (name: keyof typeof DATABASES): UseStore => {
  const [database, store] = DATABASES[name];
  return createStore(database, store);
};

export interface Repositories {
  chats: ChatRepository;
  settings: SettingsRepository;
  prompts: PromptRepository;
  guard: GuardRepository;
  endpoint: EndpointRepository;
}

export function openRepositories(): Repositories {
  return {
    chats: new ChatRepository(open('chats')),
    settings: new SettingsRepository(open('settings')),
    prompts: new PromptRepository(open('prompts')),
    guard: new GuardRepository(open('guard')),
    endpoint: new EndpointRepository(open('endpoint')),
  };
}
