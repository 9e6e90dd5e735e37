/**
 * Raw HTML inside a model's Markdown is shown as text, except bare formatting tags (`<br>`,
 * `<sub>`, `<kbd>`, `<details>` … with no attributes at all).
 *
 * DOMPurify would remove anything dangerous anyway, but to do so it has to parse the markup,
 * and Chromium checks even an inert parse against the page's CSP: `<p style>`, `onerror=`,
 * `<style>` or `<base>` in an answer would each log a CSP violation although nothing ran.
 * Escaping first means hostile markup never reaches an HTML parser at all; what does is
 * marked's own output (whose attributes it escapes) plus these attribute-free tags, and it
 * still passes DOMPurify.
 */
const ALLOWED = new Set([
  'b', 'i', 'u', 's', 'em', 'strong', 'mark', 'small', 'sub', 'sup', 'kbd', 'samp', 'var', 'del', 'ins', 'q', 'cite', 'dfn',
  'abbr', 'code', 'span', 'br', 'wbr', 'hr', 'p', 'div', 'pre', 'blockquote', 'details', 'summary', 'ul', 'ol', 'li', 'dl',
  'dt', 'dd', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
]);

/** `<tag>`, `</tag>` or `<tag/>`: a name and nothing else. */
const BARE_TAG = /^<\/?([a-z][a-z0-9]*)\s*\/?>$/i;

/** Every `<` up to the next `>` (or the next `<`, or the end): one tag-like piece to judge. */
const TAG_LIKE = /<[^<>]*>?/g;

export function filterRawHtml(html: string): string {
  return html.replace(TAG_LIKE, (piece) => {
    const name = BARE_TAG.exec(piece)?.[1]?.toLowerCase();
    return name !== undefined && ALLOWED.has(name) ? piece : piece.replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  });
}
