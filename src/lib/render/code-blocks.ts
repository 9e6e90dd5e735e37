/**
 * Code blocks in rendered answers: a header with the language and a Copy button, syntax
 * highlighting once that language's chunk has loaded, and for finished JSON blocks a toggle to
 * a tree view. Everything here is built with DOM methods and text nodes; the only HTML it
 * inserts is highlight.js output, which is sanitised (highlight.ts).
 */
import { highlightedFragment, isLoaded, languageName } from './highlight';

/** Buttons carry their action in this attribute; the view handles clicks for all of them at once. */
export const CODE_ACTION = 'data-code-action';
export type CodeAction = 'copy' | 'json-tree';

/**
 * Highlighting the open block runs on every frame while it streams, and costs about a
 * millisecond per 100 tokens of code on a slow machine (spans, then their layout). Past this
 * size the open block stays plain and is highlighted once, when it is finished; past the second
 * limit, never: a 100 kB block would freeze the page for seconds to colour it.
 */
const OPEN_HIGHLIGHT_LIMIT = 3_000;
const HIGHLIGHT_LIMIT = 60_000;

/** `language-ts` → `ts`: the fence's info string as marked wrote it into the class. */
export function fenceLanguage(code: Element): string {
  return /(?:^|\s)language-(\S+)/.exec(code.className)?.[1] ?? '';
}

/** The text a Copy button copies: the code without the newline marked adds at the end. */
export function codeText(code: Element): string {
  return (code.textContent ?? '').replace(/\n$/, '');
}

/**
 * Adds headers to the code blocks in `root` and highlights them. `finished` blocks never change
 * again, so only they get a JSON tree toggle. Returns the languages still loading: once
 * `loadLanguage` resolves, `highlightPending` finishes the job.
 */
export function decorateCodeBlocks(root: Element, finished: boolean): string[] {
  const waiting: string[] = [];
  for (const code of root.querySelectorAll('pre > code')) {
    const pre = code.parentElement;
    if (!pre || pre.parentElement?.classList.contains('code-block')) continue;
    const fence = fenceLanguage(code);
    const language = languageName(fence);
    wrap(pre, fence, finished && language === 'json');
    if (!language) continue;
    const text = code.textContent ?? '';
    if (text.length > (finished ? HIGHLIGHT_LIMIT : OPEN_HIGHLIGHT_LIMIT)) continue;
    if (isLoaded(language)) highlight(code, language, text);
    else {
      code.setAttribute('data-highlight', language);
      waiting.push(language);
    }
  }
  return waiting;
}

/** Highlights blocks that waited for their language to load. */
export function highlightPending(root: Element): void {
  for (const code of root.querySelectorAll('code[data-highlight]')) {
    const language = code.getAttribute('data-highlight') ?? '';
    if (!isLoaded(language)) continue;
    code.removeAttribute('data-highlight');
    highlight(code, language, code.textContent ?? '');
  }
}

function highlight(code: Element, language: string, text: string): void {
  const fragment = highlightedFragment(code.ownerDocument, text, language);
  if (!fragment) return;
  code.replaceChildren(fragment);
  code.classList.add('hljs');
}

/** Puts `pre` in a block with a header: language, (Tree), Copy. */
function wrap(pre: HTMLElement, fence: string, treeToggle: boolean): void {
  const document = pre.ownerDocument;
  const block = document.createElement('div');
  block.className = 'code-block';
  const header = document.createElement('div');
  header.className = 'code-header';
  const label = document.createElement('span');
  label.className = 'code-language';
  label.textContent = fence.slice(0, 24) || 'text';
  const actions = document.createElement('span');
  actions.className = 'code-actions';
  if (treeToggle) actions.append(button(document, 'json-tree', 'Tree', 'Show as a tree', { 'aria-pressed': 'false' }));
  actions.append(button(document, 'copy', 'Copy', 'Copy code'));
  header.append(label, actions);
  block.append(header);
  pre.before(block);
  block.append(pre);
  // Long lines scroll sideways: keyboard users scroll the code by focusing it.
  pre.tabIndex = 0;
  pre.setAttribute('aria-label', `Code${fence ? `, ${fence.slice(0, 24)}` : ''}`);
}

function button(document: Document, action: CodeAction, text: string, label: string, extra: Record<string, string> = {}): HTMLButtonElement {
  const element = document.createElement('button');
  element.type = 'button';
  element.className = 'code-button';
  element.textContent = text;
  element.setAttribute(CODE_ACTION, action);
  element.setAttribute('aria-label', label);
  element.title = label;
  for (const [name, value] of Object.entries(extra)) element.setAttribute(name, value);
  return element;
}
