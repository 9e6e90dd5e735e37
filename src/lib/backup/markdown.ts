/**
 * A conversation as Markdown, for reading (and pasting elsewhere), not for restoring: the JSON
 * export is the one that comes back. Each message under a heading naming who wrote it; answers
 * are already Markdown and go in as they are, JSON-mode answers in a fenced block, and the
 * sources an answer cites are listed under it.
 */
import type { ChatMessage, Conversation } from '../chat/types';

export interface MarkdownOptions {
  /** The name a persona's answers are shown under; "Assistant" when unknown. */
  personaName?: (personaId: string | undefined) => string | undefined;
  exportedAt: Date;
}

const STATUS_NOTES: Partial<Record<ChatMessage['status'], string>> = {
  stopped: 'Stopped before the end.',
  interrupted: 'Interrupted: the page closed or the engine stopped while this was written.',
  streaming: 'Still being written when exported.',
};

export function conversationMarkdown(conversation: Conversation, messages: readonly ChatMessage[], options: MarkdownOptions): string {
  const lines: string[] = [`# ${oneLine(conversation.title) || 'Untitled conversation'}`, ''];
  const count = messages.length === 1 ? '1 message' : `${messages.length} messages`;
  lines.push(`*Exported from Hearth on ${options.exportedAt.toISOString().slice(0, 10)} · ${count}*`, '');
  for (const message of messages) {
    lines.push('---', '', `## ${speaker(message, options)}`, '');
    if (message.format === 'json') lines.push(fence(message.content, 'json'));
    else lines.push(message.content.trim() === '' ? '*(empty)*' : message.content);
    lines.push('');
    const note = message.status === 'error' ? `Failed: ${message.error ?? 'unknown error'}` : STATUS_NOTES[message.status];
    if (note) lines.push(`> ${oneLine(note)}`, '');
    const sources = message.retrieval?.sources ?? [];
    if (sources.length > 0) {
      lines.push('Sources:', '');
      for (const source of sources) lines.push(`- [${source.label}] ${oneLine(source.documentName)}${source.page !== null ? `, page ${source.page}` : ''}`);
      lines.push('');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function speaker(message: ChatMessage, options: MarkdownOptions): string {
  const time = new Date(message.createdAt).toISOString().replace('T', ' ').slice(0, 16);
  if (message.role === 'user') return `You · ${time}`;
  if (message.role === 'system') return `System · ${time}`;
  const name = options.personaName?.(message.personaId) ?? 'Assistant';
  return `${oneLine(name)}${message.model ? ` (${oneLine(message.model)})` : ''} · ${time}`;
}

const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** A fence longer than any run of backticks inside, so the content cannot close it. */
function fence(content: string, language: string): string {
  const longest = Math.max(2, ...[...content.matchAll(/`+/g)].map((match) => match[0].length));
  const marks = '`'.repeat(longest + 1);
  return `${marks}${language}\n${content}\n${marks}`;
}
