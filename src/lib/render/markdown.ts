/**
 * Model output → Markdown → sanitised HTML. Everything a model writes is untrusted: raw HTML in
 * it is shown as text (raw-html.ts), and what marked makes of the rest passes DOMPurify with a
 * whitelist that loads nothing by itself. Images become plain links the user may choose to
 * open; links open in a new tab without referrer or opener.
 */
import DOMPurify from 'dompurify';
import { Lexer, Marked, type Links, type Token, type TokensList } from 'marked';
import { filterRawHtml } from './raw-html';

const marked = new Marked({ gfm: true, breaks: false, async: false }, { renderer: { html: ({ text }) => filterRawHtml(text) } });

/** Tags whose only purpose here would be to fetch, embed or submit something. */
const FORBID_TAGS = [
  'style', 'link', 'meta', 'base', 'iframe', 'frame', 'frameset', 'object', 'embed', 'video', 'audio',
  'source', 'track', 'picture', 'form', 'button', 'textarea', 'select', 'option', 'svg', 'math', 'template',
];
const FORBID_ATTR = ['style', 'srcset', 'background', 'poster', 'formaction', 'action', 'ping'];
/** Where a link from model output may point. */
const SAFE_URL = /^(?:https?:|mailto:|#)/i;
/**
 * DOMPurify's URI check, narrowed to http(s) and mailto. DOMPurify also applies it to plain
 * attribute values (type="checkbox"), so scheme-less values must still pass.
 */
const ALLOWED_URI = /^(?:(?:https?|mailto):|#|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;

let purifier: ReturnType<typeof DOMPurify> | null = null;

function getPurifier(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  const instance = DOMPurify(window);
  instance.addHook('uponSanitizeElement', (node, data) => {
    if (data.tagName !== 'img' || !(node instanceof Element)) return;
    // An <img> would load as soon as it is rendered; a link loads only if the user asks.
    const link = node.ownerDocument.createElement('a');
    const src = node.getAttribute('src') ?? '';
    link.textContent = `🖼 ${node.getAttribute('alt') || 'image'}`;
    if (SAFE_URL.test(src)) link.setAttribute('href', src);
    link.setAttribute('class', 'image-link');
    link.setAttribute('title', src ? `Image: ${src}` : 'Image');
    node.replaceWith(link);
  });
  instance.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A') {
      const href = node.getAttribute('href');
      if (href && !SAFE_URL.test(href)) node.removeAttribute('href');
      if (href && !href.startsWith('#')) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
    }
    // GFM task lists render checkboxes; they show state and must not be editable or submittable.
    if (node.tagName === 'INPUT') {
      if (node.getAttribute('type') !== 'checkbox') node.remove();
      else node.setAttribute('disabled', '');
    }
  });
  purifier = instance;
  return instance;
}

export function sanitizeHtml(html: string): string {
  return getPurifier().sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS,
    FORBID_ATTR,
    ALLOWED_URI_REGEXP: ALLOWED_URI,
  });
}

/** Renders a whole document at once. Streaming answers use stream.ts, which renders block by block. */
export function renderMarkdown(source: string): string {
  return sanitizeHtml(marked.parse(source) as string);
}

/** Splits Markdown into block tokens, knowing link reference definitions from earlier text. */
export function lexMarkdown(source: string, links: Readonly<Links> = {}): TokensList {
  const lexer = new Lexer(marked.defaults);
  Object.assign(lexer.tokens.links, links);
  return lexer.lex(source);
}

/** Block tokens → sanitised HTML. */
export function renderTokens(tokens: Token[]): string {
  return sanitizeHtml(marked.parser(tokens));
}
