/** A backup's contents and a restore's effect in words, one line each, for the "Your data" dialog. */
import type { BackupSummary } from './index';
import type { RestoreCounts } from './merge';

const plural = (count: number, one: string, many = `${one}s`): string => `${count.toLocaleString('en')} ${count === 1 ? one : many}`;

/** What a file holds; kinds it has none of are left out. */
export function describeHoldings(summary: BackupSummary): string[] {
  const lines: string[] = [];
  lines.push(`${plural(summary.conversations, 'conversation')} (${plural(summary.messages, 'message')})`);
  if (summary.templates > 0) lines.push(`${plural(summary.templates, 'template')} (${plural(summary.templateVersions, 'version')})`);
  if (summary.personas > 0) lines.push(plural(summary.personas, 'persona'));
  if (summary.documents > 0) {
    lines.push(`${plural(summary.documents, 'attached document')}${summary.collections > 0 ? ` (${plural(summary.collections, 'collection')})` : ''}`);
  }
  if (summary.traces > 0) lines.push(plural(summary.traces, 'trace'));
  const single = [...(summary.settings ? ['Settings'] : []), ...(summary.limits ? ['limits'] : [])];
  if (single.length > 0) lines.push(single.join(' and ').replace(/^l/, 'L'));
  return lines;
}

/** What restoring would do in this browser, before anything is written. */
export function describeChanges(counts: RestoreCounts, traces: number): string[] {
  const lines: string[] = [];
  const { conversations: c, templates: t, personas: p } = counts;
  if (c.added > 0) lines.push(`Add ${plural(c.added, 'conversation')}`);
  if (c.merged > 0) lines.push(`Add the missing messages to ${plural(c.merged, 'conversation')} already here`);
  if (c.copied > 0) lines.push(`Keep ${plural(c.copied, 'conversation')} that changed in both places as ${c.copied === 1 ? 'a copy' : 'copies'} marked “(imported)”`);
  if (t.added > 0) lines.push(`Add ${plural(t.added, 'template')}`);
  if (t.updated > 0) lines.push(`Replace ${plural(t.updated, 'template')} with the backup’s newer versions`);
  if (t.copied > 0) lines.push(`Keep ${plural(t.copied, 'template')} that changed in both places as ${t.copied === 1 ? 'a copy' : 'copies'}`);
  if (p.added > 0) lines.push(`Add ${plural(p.added, 'persona')}`);
  if (p.copied > 0) lines.push(`Keep ${plural(p.copied, 'persona')} that changed in both places as ${p.copied === 1 ? 'a copy' : 'copies'}`);
  if (counts.documents.added > 0) lines.push(`Add ${plural(counts.documents.added, 'document')}`);
  if (traces > 0) lines.push(`Add up to ${plural(traces, 'trace')} (those already here are skipped)`);
  if (counts.settings === 'restored' || counts.limits === 'restored') lines.push('Restore the settings and limits');
  else if (counts.settings === 'kept' || counts.limits === 'kept') lines.push('Keep this browser’s settings and limits (they are restored only into an empty browser)');
  const alreadyHere = [
    ...(c.unchanged > 0 ? [plural(c.unchanged, 'conversation')] : []),
    ...(t.unchanged > 0 ? [plural(t.unchanged, 'template')] : []),
    ...(p.unchanged > 0 ? [plural(p.unchanged, 'persona')] : []),
    ...(counts.documents.unchanged > 0 ? [plural(counts.documents.unchanged, 'document')] : []),
  ];
  if (alreadyHere.length > 0) lines.push(`Leave what is already here as it is: ${alreadyHere.join(', ')}`);
  return lines;
}

/** What a finished restore did, in one sentence. */
export function describeRestored(counts: RestoreCounts): string {
  const parts = [
    plural(counts.conversations.added + counts.conversations.copied, 'conversation'),
    plural(counts.messages, 'message'),
    plural(counts.templates.added + counts.templates.updated + counts.templates.copied, 'template'),
    plural(counts.personas.added + counts.personas.copied, 'persona'),
    plural(counts.traces.added, 'trace'),
  ];
  const settings = counts.settings === 'restored' ? ' Settings and limits restored.' : '';
  return `Restored ${parts.join(', ')}.${settings}`;
}
