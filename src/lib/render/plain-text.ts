/**
 * "Copy as text": an answer's Markdown as the plain text a reader sees, for pasting where
 * Markdown would show as clutter. Works on marked's tokens, not on the rendered DOM, so it is
 * the same whether or not the answer is on screen.
 */
import type { Token, Tokens } from 'marked';
import { lexMarkdown } from './markdown';

export function markdownToPlainText(source: string): string {
  return blocks(lexMarkdown(source))
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function blocks(tokens: readonly Token[]): string {
  return tokens
    .map(block)
    .filter((text) => text !== '')
    .join('\n\n');
}

function block(token: Token): string {
  switch (token.type) {
    case 'paragraph':
    case 'heading':
      return inline((token as Tokens.Paragraph | Tokens.Heading).tokens);
    case 'text': {
      const text = token as Tokens.Text;
      return text.tokens ? inline(text.tokens) : decodeEntities(text.text);
    }
    case 'code':
      return (token as Tokens.Code).text;
    case 'blockquote':
      return blocks((token as Tokens.Blockquote).tokens);
    case 'list':
      return list(token as Tokens.List);
    case 'table':
      return table(token as Tokens.Table);
    case 'html':
      return decodeEntities(stripTags((token as Tokens.HTML).text)).trim();
    default:
      // space, hr, def: nothing a reader reads.
      return '';
  }
}

function list(token: Tokens.List): string {
  const start = typeof token.start === 'number' ? token.start : 1;
  return token.items
    .map((item, index) => {
      const marker = token.ordered ? `${start + index}. ` : '- ';
      const task = item.task ? (item.checked ? '[x] ' : '[ ] ') : '';
      const body = item.tokens
        .filter((child) => child.type !== 'checkbox')
        .map(block)
        .filter((text) => text !== '')
        .join(item.loose ? '\n\n' : '\n');
      return marker + task + body.replace(/\n/g, `\n${' '.repeat(marker.length)}`);
    })
    .join('\n');
}

function table(token: Tokens.Table): string {
  const row = (cells: Tokens.TableCell[]): string => cells.map((cell) => inline(cell.tokens)).join('\t');
  return [row(token.header), ...token.rows.map(row)].join('\n');
}

function inline(tokens: readonly Token[]): string {
  return tokens
    .map((token) => {
      switch (token.type) {
        case 'br':
          return '\n';
        case 'codespan':
          return (token as Tokens.Codespan).text;
        case 'image':
          return (token as Tokens.Image).text;
        case 'html':
          return '';
        case 'checkbox':
          return '';
        default: {
          const withChildren = token as { tokens?: Token[]; text?: string };
          if (withChildren.tokens) return inline(withChildren.tokens);
          return decodeEntities(withChildren.text ?? '');
        }
      }
    })
    .join('');
}

function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, '');
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name.toLowerCase()] ?? whole;
  });
}
