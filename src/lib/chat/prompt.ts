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
/** Bidi embeddings, overrides and isolates: in a title they would reorder the sidebar's text around it. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
/** White space and invisible characters (zero-width space and joiners, word joiner, BOM) at either end. */
const INVISIBLE_EDGES = /^[\s\u200B-\u200D\u2060\uFEFF]+|[\s\u200B-\u200D\u2060\uFEFF]+$/g;

/**
 * A conversation's title from its first message: one line of at most TITLE_LENGTH graphemes, cut
 * at a word boundary, never inside an emoji sequence or a surrogate pair. Only the start of the
 * message is read, so a pasted book costs no more than a sentence.
 */
export function titleFrom(text: string, fallback: string): string {
  const head = text.slice(0, TITLE_LENGTH * 16);
  const line = head.replace(BIDI_CONTROLS, '').replace(/\s+/g, ' ').replace(INVISIBLE_EDGES, '');
  if (!line) return fallback;
  const graphemes = Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(line), (part) => part.segment);
  // The slice above may have cut the last grapheme in two.
  if (head.length < text.length) graphemes.pop();
  if (graphemes.length <= TITLE_LENGTH && head.length === text.length) return line;
  const cut = graphemes.slice(0, TITLE_LENGTH).join('');
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > cut.length / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}
