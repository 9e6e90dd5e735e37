/**
 * HTML to readable text without a DOM: the page is never parsed into a live document (no
 * scripts, no image loads, works in a worker), only read. Headings become Markdown headings
 * and <pre> becomes a fenced block, so the Markdown chunker can follow the page's structure.
 * Tolerant of broken markup: what is not a tag is text.
 */

/** Elements whose content is never text for a reader. */
const INVISIBLE = /<(script|style|noscript|template|svg|math|iframe|object|canvas|select|button)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const COMMENT = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[[\s\S]*?\]\]>|<![^>]*>|<\?[^>]*>/g;
const HEADING = /<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1\s*>/gi;
const PRE = /<pre\b[^>]*>([\s\S]*?)<\/pre\s*>/gi;
const BLOCK = /<\/?(p|div|section|article|header|footer|main|nav|aside|blockquote|figure|figcaption|table|thead|tbody|tfoot|tr|ul|ol|dl|dt|dd|hr|form|fieldset|details|summary|address|body|html)\b[^>]*>/gi;
const TAG = /<\/?[a-zA-Z][^>]*>/g;
/** Markers around a protected <pre> block: private-use characters no page contains. */
const PROTECT_START = '\uE000';
const PROTECT_END = '\uE001';

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', shy: '',
  copy: '©', reg: '®', trade: '™', hellip: '…', mdash: '—', ndash: '–', minus: '−',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', bull: '•', middot: '·',
  deg: '°', times: '×', divide: '÷', para: '¶', sect: '§', euro: '€', pound: '£', yen: '¥', cent: '¢',
  eacute: 'é', egrave: 'è', agrave: 'à', ccedil: 'ç', uuml: 'ü', ouml: 'ö', auml: 'ä', szlig: 'ß',
  larr: '←', rarr: '→', uarr: '↑', darr: '↓', le: '≤', ge: '≥', ne: '≠', plusmn: '±', frac12: '½',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z][a-z0-9]{1,31});?/gi, (match, entity: string) => {
    if (entity[0] === '#') {
      const code = entity[1] === 'x' || entity[1] === 'X' ? Number.parseInt(entity.slice(2), 16) : Number.parseInt(entity.slice(1), 10);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : '\uFFFD';
    }
    return NAMED_ENTITIES[entity.toLowerCase()] ?? match;
  });
}

const stripTags = (html: string): string => html.replace(TAG, '');
const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** The page's <title>, if it has one. */
export function htmlTitle(html: string): string | null {
  const match = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html);
  const title = match ? oneLine(decodeEntities(stripTags(match[1] ?? ''))) : '';
  return title || null;
}

export function htmlToText(html: string): string {
  const protectedBlocks: string[] = [];
  const protect = (text: string): string => `${PROTECT_START}${protectedBlocks.push(text) - 1}${PROTECT_END}`;

  let text = html
    .replace(COMMENT, '')
    .replace(/<head\b[^>]*>[\s\S]*?<\/head\s*>/gi, '')
    .replace(INVISIBLE, '')
    .replace(PRE, (_, inner: string) => `\n\n${protect(`\`\`\`\n${decodeEntities(stripTags(inner.replace(/<br\s*\/?>/gi, '\n'))).replace(/^\n+|\s+$/g, '')}\n\`\`\``)}\n\n`)
    .replace(HEADING, (_, level: string, inner: string) => `\n\n${protect(`${'#'.repeat(Number(level))} ${oneLine(decodeEntities(stripTags(inner)))}`)}\n\n`)
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(td|th)\s*>/gi, '\t')
    .replace(BLOCK, '\n\n');
  text = decodeEntities(stripTags(text));
  text = text
    .split('\n')
    .map((line) => line.replace(/[ \t\f\v\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text.replace(new RegExp(`${PROTECT_START}(\\d+)${PROTECT_END}`, 'g'), (_, index: string) => protectedBlocks[Number(index)] ?? '');
}
