/**
 * An answer's Markdown on screen. Finished blocks are appended once and never touched again;
 * the open block is replaced at most once per animation frame. So the DOM work per frame, like
 * the parsing (stream.ts), stays the size of the open block however long the answer grows.
 *
 * Finished blocks are grouped in chunks of CHUNK_BLOCKS: the browser's layout walks the children
 * of a changed element, so a flat list of a thousand blocks would make every frame's layout grow
 * with the answer; in chunks it walks a few dozen.
 *
 * All HTML inserted here comes from stream.ts, which sanitises it.
 */
import { CITATION_ATTRIBUTE, decorateCitations } from './citations';
import { CODE_ACTION, codeText, decorateCodeBlocks, highlightPending } from './code-blocks';
import { frameThrottle, type FrameThrottle } from './frame';
import { loadLanguage } from './highlight';
import { StreamingMarkdown, type StreamUpdate } from './stream';

const CHUNK_BLOCKS = 32;

export interface MarkdownViewOptions {
  /** A code block's Copy button was pressed. */
  onCopy(text: string): void;
  /** Shows JSON text as a tree inside `host`; returns how to take it down again. */
  mountJsonTree?(host: HTMLElement, json: string): () => void;
  /** Source numbers the answer may cite; citations to them become buttons. */
  citations?: ReadonlySet<number>;
  /** A citation button was pressed. */
  onCitation?(label: number): void;
}

export class MarkdownView {
  readonly #root: HTMLElement;
  readonly #options: MarkdownViewOptions;
  readonly #renderer = new StreamingMarkdown();
  readonly #throttle: FrameThrottle<string>;
  readonly #blocks = new Map<number, HTMLElement>();
  #open: HTMLElement | null = null;
  #openHtml = '';
  /** The chunk finished blocks are appended to, and how many it holds. */
  #chunk: HTMLElement | null = null;
  #chunkBlocks = 0;
  /** Tree views mounted in code blocks, by their host element. */
  readonly #trees = new Map<HTMLElement, () => void>();
  /** Languages being fetched; each is waited for once. */
  readonly #awaiting = new Set<string>();
  #destroyed = false;

  constructor(root: HTMLElement, options: MarkdownViewOptions) {
    this.#root = root;
    this.#options = options;
    this.#throttle = frameThrottle((source) => this.#apply(this.#renderer.update(source)));
    root.addEventListener('click', this.#onClick);
  }

  /** The answer so far, while it streams: shown at the next animation frame. */
  stream(source: string): void {
    this.#throttle.push(source);
  }

  /** The whole answer: shown now, every block finished. */
  complete(source: string): void {
    this.#throttle.cancel();
    this.#apply(this.#renderer.finish(source));
  }

  /** `stream` without waiting for a frame, for measurements. */
  renderNow(source: string): void {
    this.#apply(this.#renderer.update(source));
  }

  destroy(): void {
    this.#destroyed = true;
    this.#throttle.cancel();
    this.#root.removeEventListener('click', this.#onClick);
    for (const unmount of this.#trees.values()) unmount();
    this.#trees.clear();
  }

  #apply(update: StreamUpdate): void {
    if (update.reset) {
      for (const element of this.#blocks.values()) this.#releaseTrees(element);
      for (const chunk of this.#root.querySelectorAll(':scope > .md-chunk')) chunk.remove();
      this.#blocks.clear();
      this.#chunk = null;
    }
    for (const block of update.added) {
      const element = this.#root.ownerDocument.createElement('div');
      element.className = 'md-block';
      element.innerHTML = block.html;
      this.#currentChunk().append(element);
      this.#blocks.set(block.index, element);
      this.#decorate(element, true);
    }
    for (const block of update.changed) {
      const element = this.#blocks.get(block.index);
      if (!element) continue;
      this.#releaseTrees(element);
      element.innerHTML = block.html;
      this.#decorate(element, true);
    }
    if (update.open === this.#openHtml) return;
    this.#openHtml = update.open;
    if (update.open === '') {
      this.#open?.remove();
      this.#open = null;
      return;
    }
    if (!this.#open) {
      this.#open = this.#root.ownerDocument.createElement('div');
      this.#open.className = 'md-block md-open';
      this.#root.append(this.#open);
    }
    this.#open.innerHTML = update.open;
    this.#decorate(this.#open, false);
  }

  #currentChunk(): HTMLElement {
    if (!this.#chunk || this.#chunkBlocks >= CHUNK_BLOCKS) {
      this.#chunk = this.#root.ownerDocument.createElement('div');
      this.#chunk.className = 'md-chunk';
      this.#chunkBlocks = 0;
      this.#root.insertBefore(this.#chunk, this.#open);
    }
    this.#chunkBlocks++;
    return this.#chunk;
  }

  #decorate(element: HTMLElement, finished: boolean): void {
    if (this.#options.citations?.size) decorateCitations(element, this.#options.citations);
    for (const language of decorateCodeBlocks(element, finished)) {
      if (this.#awaiting.has(language)) continue;
      this.#awaiting.add(language);
      void loadLanguage(language).then(() => {
        this.#awaiting.delete(language);
        if (!this.#destroyed) highlightPending(this.#root);
      });
    }
  }

  #releaseTrees(element: HTMLElement): void {
    for (const [host, unmount] of this.#trees) {
      if (!element.contains(host)) continue;
      unmount();
      this.#trees.delete(host);
    }
  }

  readonly #onClick = (event: MouseEvent): void => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const citation = target.closest(`[${CITATION_ATTRIBUTE}]`);
    if (citation && this.#root.contains(citation)) {
      this.#options.onCitation?.(Number(citation.getAttribute(CITATION_ATTRIBUTE)));
      return;
    }
    const button = target.closest(`[${CODE_ACTION}]`);
    const block = button?.closest('.code-block');
    const code = block?.querySelector(':scope > pre > code');
    if (!button || !block || !code || !this.#root.contains(block)) return;
    const action = button.getAttribute(CODE_ACTION);
    if (action === 'copy') this.#options.onCopy(codeText(code));
    else if (action === 'json-tree') this.#toggleTree(block, button, codeText(code));
  };

  #toggleTree(block: Element, button: Element, json: string): void {
    const showing = block.classList.toggle('showing-tree');
    button.setAttribute('aria-pressed', String(showing));
    const mount = this.#options.mountJsonTree;
    if (!showing || !mount || block.querySelector(':scope > .json-tree-host')) return;
    const host = block.ownerDocument.createElement('div');
    host.className = 'json-tree-host';
    block.append(host);
    this.#trees.set(host, mount(host, json));
  }
}
