/**
 * The "Your data" dialog's state: making a backup, and a restore in two steps — a file is read
 * and checked, the user sees what it holds and what it would change, and only their confirmation
 * writes anything. Exports of one conversation (JSON, restorable; Markdown, for reading) too.
 */
import type { ChatMessage, Conversation } from '../chat/types';
import type { BackupRepositories, BackupSummary, ParsedBackup, RestoreCounts } from './index';

/** The backup library (checks, merge, restore: tens of KB) loads when first used, not with the app. */
const library = () => import('./index');

export interface BackupsDeps {
  /** Opened on first use, so the app's start never waits for the backup's databases; the browser's own by default. */
  repos?: () => BackupRepositories;
  appVersion: string;
  /** Hands a file to the browser as a download; returns the name it was saved under. */
  save: (baseName: string, content: Blob | string, type: string, extension: string) => string;
  /** After a restore: everything the app shows is read again from storage. */
  onRestored: (counts: RestoreCounts) => Promise<void>;
  personaName: (personaId: string | undefined) => string | undefined;
  now?: () => Date;
}

/** A checked file waiting for the user's confirmation. */
export interface PendingRestore {
  fileName: string;
  exportedAt: string;
  contents: ParsedBackup['contents'];
  holds: BackupSummary;
  changes: RestoreCounts;
}

export type BackupPhase = 'idle' | 'saving' | 'reading' | 'review' | 'restoring';

/** A refused file or a failed action: what happened, then why. */
export interface BackupProblem {
  title: string;
  detail: string;
}

const NOT_RESTORED = 'This file was not restored. Nothing in this browser changed.';

export class Backups {
  phase: BackupPhase = $state('idle');
  /** Why the last file was refused or the last action failed. */
  error: BackupProblem | null = $state.raw(null);
  pending: PendingRestore | null = $state.raw(null);
  /** What the last restore did. */
  restored: RestoreCounts | null = $state.raw(null);
  /** The name of the last file saved. */
  saved: string | null = $state(null);

  readonly #deps: BackupsDeps;
  #repos: BackupRepositories | null = null;
  /** The checked backup behind `pending`: big, and never shown, so outside reactive state. */
  #backup: ParsedBackup | null = null;

  constructor(deps: BackupsDeps) {
    this.#deps = deps;
  }

  get busy(): boolean {
    return this.phase === 'saving' || this.phase === 'reading' || this.phase === 'restoring';
  }

  /** Downloads everything as one file. */
  async backUp(): Promise<void> {
    await this.#run('saving', 'The backup could not be made.', async () => {
      const { createBackup } = await library();
      const { blob } = await createBackup(await this.#open(), { appVersion: this.#deps.appVersion, now: this.#now() });
      this.saved = this.#deps.save('hearth-backup', blob, 'application/json', 'json');
    });
  }

  /** One conversation as a restorable JSON backup (with its documents and traces), or as Markdown to read. */
  async exportConversation(conversation: Conversation, messages: readonly ChatMessage[], format: 'json' | 'markdown'): Promise<void> {
    await this.#run('saving', 'The conversation could not be exported.', async () => {
      const baseName = `hearth-${slug(conversation.title)}`;
      const { conversationMarkdown, createBackup } = await library();
      if (format === 'markdown') {
        const text = conversationMarkdown(conversation, messages, { exportedAt: this.#now(), personaName: this.#deps.personaName });
        this.saved = this.#deps.save(baseName, text, 'text/markdown', 'md');
        return;
      }
      const { blob } = await createBackup(await this.#open(), { appVersion: this.#deps.appVersion, now: this.#now(), conversationIds: [conversation.id] });
      this.saved = this.#deps.save(baseName, blob, 'application/json', 'json');
    });
  }

  /** Reads and checks a file and works out what it would change; writes nothing. */
  async choose(file: File): Promise<void> {
    this.cancel();
    await this.#run('reading', NOT_RESTORED, async () => {
      const { previewRestore, readBackup, summarize } = await library();
      const backup = await readBackup(file);
      const changes = await previewRestore(await this.#open(), backup);
      this.#backup = backup;
      this.pending = { fileName: file.name, exportedAt: backup.exportedAt, contents: backup.contents, holds: summarize(backup.data), changes };
    });
    if (this.pending) this.phase = 'review';
  }

  /** Writes the file under review. */
  async confirm(): Promise<void> {
    const backup = this.#backup;
    if (!backup || this.phase !== 'review') return;
    await this.#run('restoring', NOT_RESTORED, async () => {
      const { restoreBackup } = await library();
      const counts = await restoreBackup(await this.#open(), backup);
      this.#clearPending();
      this.restored = counts;
      await this.#deps.onRestored(counts);
    });
  }

  /** Forgets the file under review and any message. */
  cancel(): void {
    this.#clearPending();
    this.error = null;
    this.restored = null;
    this.saved = null;
    if (!this.busy) this.phase = 'idle';
  }

  async #run(phase: BackupPhase, failure: string, work: () => Promise<void>): Promise<void> {
    if (this.busy) return;
    this.phase = phase;
    this.error = null;
    this.restored = null;
    this.saved = null;
    try {
      await work();
    } catch (error) {
      this.#clearPending();
      // A BackupError says what is wrong in the user's terms; anything else is unexpected, and named as it is.
      const { BackupError } = await library();
      const detail = error instanceof BackupError ? error.message : `${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
      this.error = { title: failure, detail };
    } finally {
      this.phase = 'idle';
    }
  }

  #clearPending(): void {
    this.#backup = null;
    this.pending = null;
  }

  async #open(): Promise<BackupRepositories> {
    if (!this.#repos) {
      const { backupRepositories, openBackupStores } = await library();
      this.#repos = this.#deps.repos?.() ?? backupRepositories(openBackupStores());
    }
    return this.#repos;
  }

  #now(): Date {
    return this.#deps.now?.() ?? new Date();
  }
}

/** A title as part of a file name: letters and digits of any script, dashes between words. */
function slug(title: string): string {
  const words = title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return words.slice(0, 60).replace(/-+$/, '') || 'conversation';
}
