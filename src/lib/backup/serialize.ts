/**
 * A backup as JSON text, in pieces: one piece per record, so a backup of hundreds of megabytes
 * never has to exist as one string (browsers cap a string's length) and goes into a Blob as it
 * is. Joined, the pieces are exactly `JSON.stringify` of the BackupFile, one record per line.
 */
import { exportTraces } from '../observe/exchange';
import { BACKUP_FORMAT, BACKUP_VERSION, type BackupContents, type BackupData, type BackupFile } from './format';

export interface BackupMeta {
  exportedAt: Date;
  appVersion: string;
  contents: BackupContents;
}

export function backupParts(meta: BackupMeta, data: BackupData): string[] {
  const head: Omit<BackupFile, 'data'> = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: meta.exportedAt.toISOString(),
    appVersion: meta.appVersion,
    contents: meta.contents,
  };
  const parts: string[] = [`${JSON.stringify(head).slice(0, -1)},"data":{`];
  const list = <T>(items: readonly T[], write: (item: T) => void): void => {
    parts.push('[');
    items.forEach((item, index) => {
      parts.push(index === 0 ? '\n' : ',\n');
      write(item);
    });
    parts.push(']');
  };
  const field = (name: keyof BackupData, first = false): void => void parts.push(`${first ? '' : ',\n'}${JSON.stringify(name)}:`);

  field('conversations', true);
  list(data.conversations, ({ conversation, messages }) => {
    parts.push(`{"conversation":${JSON.stringify(conversation)},"messages":`);
    list(messages, (message) => parts.push(JSON.stringify(message)));
    parts.push('}');
  });
  field('templates');
  list(data.templates, (template) => parts.push(JSON.stringify(template)));
  field('personas');
  list(data.personas, (persona) => parts.push(JSON.stringify(persona)));
  field('settings');
  parts.push(JSON.stringify(data.settings));
  field('limits');
  parts.push(JSON.stringify(data.limits));
  field('traces');
  // Insights' own export, secrets stripped as there (observe/scrub.ts).
  const traces = exportTraces(data.traces, { now: meta.exportedAt.getTime(), appVersion: meta.appVersion });
  parts.push(`${JSON.stringify({ ...traces, traces: [] }).slice(0, -3)}[`);
  traces.traces.forEach((trace, index) => parts.push(`${index === 0 ? '\n' : ',\n'}${JSON.stringify(trace)}`));
  parts.push(']}');
  field('documents');
  list(data.documents, ({ documents, ...header }) => {
    parts.push(`${JSON.stringify(header).slice(0, -1)},"documents":`);
    list(documents, (document) => parts.push(JSON.stringify(document)));
    parts.push('}');
  });
  parts.push('}}\n');
  return parts;
}
