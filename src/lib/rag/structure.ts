/**
 * The structure of a text, found line by line: sections under headings (Markdown ATX and
 * setext headings), and inside them blocks (paragraphs, lists and tables, fenced code). One
 * pass, no backtracking: 20 MB of Markdown is read in well under a second.
 */
import type { BlockKind } from './units';

export interface Block {
  start: number;
  end: number;
  kind: BlockKind;
}

export interface Section {
  /** Titles of the enclosing headings, outermost first, e.g. ['Guide', 'Install', 'Linux']. */
  headingPath: string[];
  blocks: Block[];
}

export interface StructureOptions {
  /** Markdown headings and fences (Markdown, HTML) or none (plain text, PDF). */
  markdown: boolean;
  /** What an ordinary paragraph is: sentences ('prose') or code ('code', split at blank lines). */
  paragraph: 'prose' | 'code';
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const LINE_BLOCK = /^\s*(?:[-*+•]\s|\d{1,3}[.)]\s|\||>)/;

export function sections(text: string, options: StructureOptions): Section[] {
  const result: Section[] = [{ headingPath: [], blocks: [] }];
  const path: Array<{ level: number; title: string }> = [];
  let fence: { marker: string; start: number } | null = null;
  let paragraph: { start: number; end: number; kind: BlockKind; lines: number } | null = null;

  const current = (): Section => result[result.length - 1]!;
  const closeParagraph = (): void => {
    if (paragraph) current().blocks.push({ start: paragraph.start, end: paragraph.end, kind: paragraph.kind });
    paragraph = null;
  };
  const openSection = (level: number, title: string, start: number, end: number): void => {
    while (path.length > 0 && path[path.length - 1]!.level >= level) path.pop();
    path.push({ level, title });
    result.push({ headingPath: path.map((heading) => heading.title), blocks: [{ start, end, kind: 'heading' }] });
  };

  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    const line = text.slice(lineStart, lineEnd);

    if (fence) {
      const closing = FENCE.exec(line);
      if (closing && closing[1]![0] === fence.marker[0] && closing[1]!.length >= fence.marker.length && line.trim() === closing[1]) {
        current().blocks.push({ start: fence.start, end: lineEnd, kind: 'code' });
        fence = null;
      }
    } else if (line.trim() === '') {
      closeParagraph();
    } else if (options.markdown && FENCE.test(line)) {
      closeParagraph();
      fence = { marker: FENCE.exec(line)![1]!, start: lineStart };
    } else if (options.markdown && ATX.test(line)) {
      closeParagraph();
      const match = ATX.exec(line)!;
      openSection(match[1]!.length, headingTitle(match[2] ?? ''), lineStart, lineEnd);
    } else if (options.markdown && paragraph?.lines === 1 && paragraph.kind === 'prose' && SETEXT.test(line)) {
      // "Title" underlined with === or --- is a heading; the underline line is part of it.
      const titleStart = paragraph.start;
      paragraph = null;
      openSection(line.trim()[0] === '=' ? 1 : 2, headingTitle(text.slice(titleStart, lineStart)), titleStart, lineEnd);
    } else if (paragraph) {
      paragraph.end = lineEnd;
      paragraph.lines++;
    } else {
      const kind: BlockKind = options.paragraph === 'code' ? 'code' : LINE_BLOCK.test(line) || /^( {4}|\t)/.test(line) ? 'lines' : 'prose';
      paragraph = { start: lineStart, end: lineEnd, kind, lines: 1 };
    }
    lineStart = lineEnd + 1;
  }
  // An unclosed fence runs to the end of the text, as in CommonMark.
  if (fence) current().blocks.push({ start: (fence as { start: number }).start, end: text.length, kind: 'code' });
  closeParagraph();
  return mergeEmptySections(result);
}

/** A heading with nothing under it before the next heading joins the next section. */
function mergeEmptySections(all: Section[]): Section[] {
  const merged: Section[] = [];
  let carried: Block[] = [];
  all.forEach((section, index) => {
    const blocks = [...carried, ...section.blocks];
    carried = [];
    const hasBody = blocks.some((block) => block.kind !== 'heading');
    if (!hasBody && index < all.length - 1) carried = blocks;
    else if (blocks.length > 0) merged.push({ headingPath: section.headingPath, blocks });
  });
  return merged;
}

function headingTitle(raw: string): string {
  return raw
    .replace(/`/g, '')
    .replace(/(\*\*|__|\*|_)(\S(?:.*?\S)?)\1/g, '$2')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}
