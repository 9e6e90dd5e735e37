import type { EngineMessage } from '../engine/protocol';
import type { ChatMessage } from './types';

/**
 * The messages an engine sees for the next answer: the system prompt, then the conversation.
 * Answers that produced no text (failed before the first token) are left out, so a retry does
 * not teach the model to say nothing.
 */
export function buildEngineMessages(systemPrompt: string, history: readonly ChatMessage[]): EngineMessage[] {
  const messages: EngineMessage[] = [];
  if (systemPrompt.trim()) messages.push({ role: 'system', content: systemPrompt });
  for (const message of history) {
    if (message.role === 'assistant' && message.content.length === 0) continue;
    messages.push({ role: message.role, content: message.content });
  }
  return messages;
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
