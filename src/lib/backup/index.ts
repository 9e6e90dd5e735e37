/**
 * Backups: the whole of the user's data in one file, and back. The app uses only this surface;
 * the files behind it are the format (format.ts), its checks (parse.ts, records.ts, shape.ts),
 * reading (collect.ts) and writing (serialize.ts) a file, and the restore (merge.ts plans it,
 * restore.ts and journal.ts write it so that a failure leaves the browser as it was).
 *
 * A restore is two steps, so the user sees what a file holds and what it will change before
 * anything is written: `readBackup` (checks the whole file) → `previewRestore` → `restoreBackup`.
 */
import { collectBackup, type CollectOptions } from './collect';
import { BackupError, type BackupData, type ParsedBackup } from './format';
import { loadExisting, restore, type RestoreOptions } from './restore';
import { planRestore, type RestoreCounts } from './merge';
import { checkFileSize, parseBackupText } from './parse';
import { backupParts } from './serialize';
import type { BackupRepositories } from './stores';

export { BackupError, type ParsedBackup } from './format';
export type { RestoreCounts } from './merge';
export { conversationMarkdown } from './markdown';
export { backupRepositories, openBackupStores, type BackupRepositories } from './stores';

/** What a backup file holds, counted for the user. */
export interface BackupSummary {
  conversations: number;
  messages: number;
  templates: number;
  /** Versions across all templates. */
  templateVersions: number;
  personas: number;
  traces: number;
  documents: number;
  collections: number;
  settings: boolean;
  limits: boolean;
}

export function summarize(data: BackupData): BackupSummary {
  return {
    conversations: data.conversations.length,
    messages: data.conversations.reduce((sum, entry) => sum + entry.messages.length, 0),
    templates: data.templates.length,
    templateVersions: data.templates.reduce((sum, template) => sum + template.versions.length, 0),
    personas: data.personas.length,
    traces: data.traces.length,
    documents: data.documents.reduce((sum, group) => sum + group.documents.length, 0),
    collections: data.documents.filter((group) => group.target.kind === 'collection').length,
    settings: data.settings !== null,
    limits: data.limits !== null,
  };
}

export interface CreateOptions extends CollectOptions {
  appVersion: string;
  now?: Date;
}

/** Everything (or some conversations) as one JSON file, built in pieces so a big backup never becomes one string. */
export async function createBackup(repos: BackupRepositories, options: CreateOptions): Promise<{ blob: Blob; summary: BackupSummary }> {
  const { contents, data } = await collectBackup(repos, options);
  const parts = backupParts({ exportedAt: options.now ?? new Date(), appVersion: options.appVersion, contents }, data);
  return { blob: new Blob(parts, { type: 'application/json' }), summary: summarize(data) };
}

/** Reads and checks a whole file; throws a BackupError saying what is wrong. Writes nothing. */
export async function readBackup(file: Blob): Promise<ParsedBackup> {
  checkFileSize(file.size);
  let text: string;
  try {
    text = await file.text();
  } catch (error) {
    throw new BackupError(`The file could not be read (${error instanceof Error ? error.message : String(error)}).`);
  }
  return parseBackupText(text);
}

/** What restoring `backup` would add, merge, copy or keep in this browser. Writes nothing. */
export async function previewRestore(repos: BackupRepositories, backup: ParsedBackup): Promise<RestoreCounts> {
  return planRestore(await loadExisting(repos, [backup.data]), [backup.data]).counts;
}

/** Writes a checked backup; on any failure everything already written is taken back and a BackupError is thrown. */
export function restoreBackup(repos: BackupRepositories, backup: ParsedBackup, options: RestoreOptions = {}): Promise<RestoreCounts> {
  return restore(repos, [backup.data], options);
}
