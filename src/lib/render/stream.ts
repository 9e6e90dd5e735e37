/**
 * Markdown for an answer that is still being written, at a cost per update that does not grow
 * with the answer.
 *
 * The answer is a list of top-level blocks (marked's lexer draws the lines). Every block but the
 * last is finished: it is rendered and sanitised once, handed out once, and never touched again.
 * Only the text after the last finished block (the open block) is lexed and rendered on each
 * update, so an update costs about as much as the open block, however long the answer is.
 *
 * When is a block finished? Whether a block ends can hinge on the line after it: a table swallows
 * a following "-x" as a row, but not "-" (which starts a list), and the model may still be typing
 * that line. So a block counts as finished only once the block after it starts on a line that is
 * complete. An open code fence swallows everything after it, which is right while streaming.
 *
 * Link reference definitions ("[x]: https://…") may come after the text that uses them. A block
 * finished before its definition arrived is rendered again when it does (and reported as
 * changed); that happens once per definition, and definitions are rare.
 *
 * Raw HTML is sanitised block by block, so an HTML tag opened in one block cannot wrap the
 * blocks after it (a full render would let it). That difference is deliberate.
 */
import type { Links, Token } from 'marked';
import { lexMarkdown, renderTokens } from './markdown';

export interface Block {
  /** Position among the answer's finished blocks; stable while the answer only grows. */
  readonly index: number;
  /** The block's Markdown, kept to render it again if a link definition arrives later. */
  readonly source: string;
  /** Sanitised HTML. */
  html: string;
}

export interface StreamUpdate {
  /** The answer did not continue the text seen so far: every block shown so far must go. */
  reset: boolean;
  /** Blocks finished by this update, in order. */
  added: readonly Block[];
  /** Earlier blocks whose HTML changed: a link definition they use arrived. */
  changed: readonly Block[];
  /** Sanitised HTML of the open block, '' when there is none. Replaces the previous one. */
  open: string;
}

/** How much of the committed text is compared to notice an answer that was replaced, not extended. */
const ANCHOR_LENGTH = 64;

export class StreamingMarkdown {
  #blocks: Block[] = [];
  /** Characters of the answer (as given, before line endings are normalised) in finished blocks. */
  #committed = 0;
  #anchor = '';
  /** Definitions from finished blocks, by normalised label. The first definition of a label wins. */
  #links: Links = Object.create(null) as Links;

  get blocks(): readonly Block[] {
    return this.#blocks;
  }

  /** The answer so far, while it streams: finished blocks are committed, the rest stays open. */
  update(source: string): StreamUpdate {
    return this.#render(source, false);
  }

  /** The whole answer: everything becomes a finished block, nothing stays open. */
  finish(source: string): StreamUpdate {
    return this.#render(source, true);
  }

  #render(source: string, final: boolean): StreamUpdate {
    const reset = !this.#continues(source);
    if (reset) this.#clear();
    const tail = source.slice(this.#committed);
    const text = normalizeLineEndings(tail);
    const tokens = lexMarkdown(text, this.#links);
    const split = final ? tokens.length : openFrom(tokens, text);
    const openTokens = tokens.slice(split);
    let finished = tokens.slice(0, split);
    const finishedLength = rawLength(finished);

    // A definition still being typed in the open text ("[x]: https://ex") must not leak into
    // finished blocks, which are never rendered again unless a definition is committed.
    if (finished.length > 0 && openTokens.some((token) => token.type === 'def')) {
      finished = lexMarkdown(text.slice(0, finishedLength), this.#links);
    }

    const added: Block[] = [];
    let newDefinitions = false;
    for (const token of finished) {
      if (token.type === 'def') {
        if (!(token.tag in this.#links)) {
          this.#links[token.tag] = { href: token.href, title: token.title };
          newDefinitions = true;
        }
        continue;
      }
      if (token.type === 'space') continue;
      const html = renderTokens([token]);
      if (html.trim() === '') continue;
      const block: Block = { index: this.#blocks.length, source: token.raw, html };
      this.#blocks.push(block);
      added.push(block);
    }

    const changed = newDefinitions ? this.#applyDefinitions(this.#blocks.length - added.length) : [];
    if (finishedLength > 0) {
      const consumed = tail === text ? finishedLength : originalLength(tail, finishedLength);
      this.#committed += consumed;
      this.#anchor = source.slice(Math.max(0, this.#committed - ANCHOR_LENGTH), this.#committed);
    }
    return { reset, added, changed, open: openTokens.length > 0 ? renderTokens(openTokens) : '' };
  }

  /** Renders blocks finished before `before` again if a reference in them may now resolve. */
  #applyDefinitions(before: number): Block[] {
    const changed: Block[] = [];
    for (const block of this.#blocks.slice(0, before)) {
      if (!block.source.includes('[')) continue;
      const html = renderTokens(lexMarkdown(block.source, this.#links));
      if (html === block.html) continue;
      block.html = html;
      changed.push(block);
    }
    return changed;
  }

  #continues(source: string): boolean {
    return this.#committed === 0 || (source.length >= this.#committed && source.endsWith(this.#anchor, this.#committed));
  }

  #clear(): void {
    this.#blocks = [];
    this.#committed = 0;
    this.#anchor = '';
    this.#links = Object.create(null) as Links;
  }
}

/**
 * Where the open text starts: at the last block (not blank space) that starts on a complete line.
 * Blocks starting on the line still being typed are no evidence that the block before them ended.
 */
export function openFrom(tokens: readonly Token[], text: string): number {
  const lineBeingTyped = text.lastIndexOf('\n') + 1;
  let open = 0;
  let offset = 0;
  for (let index = 0; index < tokens.length && offset < lineBeingTyped; index++) {
    const token = tokens[index]!;
    if (token.type !== 'space') open = index;
    offset += token.raw.length;
  }
  return open;
}

function rawLength(tokens: readonly Token[]): number {
  return tokens.reduce((sum, token) => sum + token.raw.length, 0);
}

/** marked reads CRLF and CR as LF; offsets into the original text must account for that. */
function normalizeLineEndings(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** How many characters of `original` make up its first `normalizedLength` normalised ones. */
function originalLength(original: string, normalizedLength: number): number {
  let index = 0;
  for (let count = 0; count < normalizedLength && index < original.length; count++) {
    index += original[index] === '\r' && original[index + 1] === '\n' ? 2 : 1;
  }
  return index;
}
