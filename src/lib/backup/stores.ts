/**
 * The databases a backup reads and writes (see storage/db.ts), and the repositories over them.
 * The backup worker opens the real ones; tests pass stores of their own.
 */
import { createStore, type UseStore } from 'idb-keyval';
import { browserCoordination, type Coordination } from '../guard/coordination';
import { TraceRepository, type Retention } from '../observe/store';
import type { WallClock } from '../observe/clock';
import { RagRepository } from '../rag/repository';
import { ChatRepository } from '../storage/chats';
import { DATABASES } from '../storage/db';
import { GuardRepository } from '../storage/guard';
import { PromptRepository } from '../storage/prompts';
import { SettingsRepository } from '../storage/settings';

/**
 * The databases a backup covers, named one by one: a database added to the app later (API keys
 * of a remote endpoint, say) is left out until someone decides it belongs in a backup.
 */
export const BACKED_UP = ['chats', 'settings', 'prompts', 'guard', 'traces', 'rag'] as const satisfies ReadonlyArray<keyof typeof DATABASES>;

export type DatabaseName = (typeof BACKED_UP)[number];

export type BackupStores = Record<DatabaseName, UseStore>;

export interface BackupRepositories {
  stores: BackupStores;
  chats: ChatRepository;
  prompts: PromptRepository;
  settings: SettingsRepository;
  guard: GuardRepository;
  traces: TraceRepository;
  rag: RagRepository;
  /** The guard's cross-tab lock: its limits change only while holding it. */
  coordination: Coordination;
}

export interface RepositoryOptions {
  coordination?: Coordination;
  /** The trace store's retention and clock (tests). */
  retention?: Retention;
  clock?: WallClock;
}

export function backupRepositories(stores: BackupStores, options: RepositoryOptions = {}): BackupRepositories {
  return {
    stores,
    chats: new ChatRepository(stores.chats),
    prompts: new PromptRepository(stores.prompts),
    settings: new SettingsRepository(stores.settings),
    guard: new GuardRepository(stores.guard),
    traces: new TraceRepository(stores.traces, {
      ...(options.retention ? { retention: options.retention } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    }),
    rag: new RagRepository(stores.rag),
    coordination: options.coordination ?? browserCoordination(),
  };
}

/** Hearth's own databases, as the app opens them. */
export function openBackupStores(): BackupStores {
  const open = (name: DatabaseName): UseStore => {
    const [database, store] = DATABASES[name];
    return createStore(database, store);
  };
  return Object.fromEntries(BACKED_UP.map((name) => [name, open(name)])) as BackupStores;
}
