import type { ChatMessage } from './types';

/**
 * The conversation as an engine should see it for the next answer. Answers that produced no
 * text (failed before the first token) are left out, so a retry does not teach the model to
 * say nothing.
 */
export function answeredHistory(history: readonly ChatMessage[]): ChatMessage[] {
  return history.filter((message) => !(message.role === 'assistant' && message.content.length === 0));
}

const TITLE_LENGTH = 48;

/** A conversation's title from its first message: one line, cut at a word boundary. */
export function titleFrom(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= TITLE_LENGTH) return line;
  const cut = line.slice(0, TITLE_LENGTH);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > TITLE_LENGTH / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}
