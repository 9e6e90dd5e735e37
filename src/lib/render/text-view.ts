/**
 * Plain text that only grows, on screen while it streams (a JSON-mode answer). Text is appended,
 * never replaced, at most once per animation frame, in blocks of a few kilobytes that end at a
 * line break: the browser lays out only the last block again, so the cost per frame does not
 * grow with the answer.
 */
import { frameThrottle, type FrameThrottle } from './frame';

/** A block is closed at the first line break after this many characters. */
const BLOCK_CHARS = 2048;

export class StreamingTextView {
  readonly #root: HTMLElement;
  readonly #throttle: FrameThrottle<string>;
  #shown = '';
  #block: HTMLElement | null = null;
  #blockLength = 0;

  constructor(root: HTMLElement) {
    this.#root = root;
    this.#throttle = frameThrottle((text) => this.#apply(text));
  }

  stream(text: string): void {
    this.#throttle.push(text);
  }

  complete(text: string): void {
    this.#throttle.cancel();
    this.#apply(text);
  }

  destroy(): void {
    this.#throttle.cancel();
  }

  #apply(text: string): void {
    // Text that is not a continuation (only the tail is compared, to stay cheap) starts over.
    const tail = this.#shown.slice(-64);
    if (text.length < this.#shown.length || !text.startsWith(tail, this.#shown.length - tail.length)) {
      this.#root.replaceChildren();
      this.#shown = '';
      this.#block = null;
    }
    let rest = text.slice(this.#shown.length);
    this.#shown = text;
    while (rest !== '') {
      if (!this.#block) {
        this.#block = this.#root.ownerDocument.createElement('div');
        this.#blockLength = 0;
        this.#root.append(this.#block);
      }
      const lineEnd = this.#blockLength + rest.length > BLOCK_CHARS ? rest.indexOf('\n', Math.max(0, BLOCK_CHARS - this.#blockLength)) : -1;
      const piece = lineEnd === -1 ? rest : rest.slice(0, lineEnd + 1);
      const last = this.#block.lastChild;
      if (last instanceof Text) last.appendData(piece);
      else this.#block.append(piece);
      this.#blockLength += piece.length;
      rest = rest.slice(piece.length);
      if (lineEnd !== -1) this.#block = null;
    }
  }
}
