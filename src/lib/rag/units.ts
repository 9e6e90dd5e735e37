/**
 * The pieces chunks are packed from. A unit is a range of the text that is never split
 * further: a sentence, a line of a list or table, a heading, a whole code block (or, if too
 * big, a group of its lines). Units carry what the packer needs to choose good chunk edges.
 */
import { CHARS_PER_TOKEN } from './tokens';

export interface Unit {
  start: number;
  end: number;
  /** The first unit of a paragraph, list, table or code block: a good place to start a chunk. */
  blockStart: boolean;
  /** May be repeated at the start of the next chunk (prose and lines, not code or headings). */
  overlaps: boolean;
  /** A heading belongs with what follows it, never at the end of a chunk. */
  heading: boolean;
}

export type BlockKind = 'prose' | 'lines' | 'code' | 'heading';

/** After a sentence end: closing quotes or brackets, then whitespace. */
const SENTENCE_END = /[.!?…][)"'\]»”’]*\s+/g;

/** Splits [start, end) into units according to the block's kind; `maxTokens` bounds every unit but whole code blocks. */
export function blockUnits(text: string, start: number, end: number, kind: BlockKind, maxTokens: number, maxCodeTokens: number): Unit[] {
  const maxChars = maxTokens * CHARS_PER_TOKEN;
  let ranges: Array<[number, number]>;
  switch (kind) {
    case 'heading':
      return [{ start, end, blockStart: true, overlaps: false, heading: true }];
    case 'code':
      ranges = end - start <= maxCodeTokens * CHARS_PER_TOKEN ? [[start, end]] : groupLines(text, start, end, maxChars);
      return ranges.map(([from, to], index) => ({ start: from, end: to, blockStart: index === 0, overlaps: false, heading: false }));
    case 'lines':
      ranges = lineRanges(text, start, end).flatMap(([from, to]) => splitLong(text, from, to, maxChars));
      break;
    case 'prose':
      ranges = sentenceRanges(text, start, end).flatMap(([from, to]) => splitLong(text, from, to, maxChars));
      break;
  }
  return ranges.map(([from, to], index) => ({ start: from, end: to, blockStart: index === 0, overlaps: true, heading: false }));
}

function sentenceRanges(text: string, start: number, end: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const block = text.slice(start, end);
  let from = 0;
  SENTENCE_END.lastIndex = 0;
  for (let match = SENTENCE_END.exec(block); match; match = SENTENCE_END.exec(block)) {
    const sentenceEnd = match.index + match[0].trimEnd().length;
    ranges.push([start + from, start + sentenceEnd]);
    from = match.index + match[0].length;
  }
  if (from < block.length) ranges.push([start + from, start + block.trimEnd().length]);
  return ranges.filter(([from, to]) => to > from);
}

export function lineRanges(text: string, start: number, end: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let from = start;
  while (from < end) {
    let newline = text.indexOf('\n', from);
    if (newline === -1 || newline > end) newline = end;
    if (text.slice(from, newline).trim() !== '') ranges.push([from, newline]);
    from = newline + 1;
  }
  return ranges;
}

/** Consecutive lines, each group at most `maxChars` (a single longer line is split on its own). */
function groupLines(text: string, start: number, end: number, maxChars: number): Array<[number, number]> {
  const groups: Array<[number, number]> = [];
  for (const [from, to] of lineRanges(text, start, end).flatMap(([from, to]) => splitLong(text, from, to, maxChars))) {
    const last = groups.at(-1);
    if (last && to - last[0] <= maxChars) last[1] = to;
    else groups.push([from, to]);
  }
  return groups;
}

/** A range longer than `maxChars`, cut at whitespace where there is some, else hard. */
function splitLong(text: string, start: number, end: number, maxChars: number): Array<[number, number]> {
  if (end - start <= maxChars) return [[start, end]];
  const pieces: Array<[number, number]> = [];
  let from = start;
  while (end - from > maxChars) {
    let cut = text.lastIndexOf(' ', from + maxChars);
    if (cut <= from + maxChars / 2) cut = from + maxChars;
    // Never between the two halves of a surrogate pair (an emoji, say).
    if (/[\uDC00-\uDFFF]/.test(text[cut] ?? '')) cut--;
    pieces.push([from, cut]);
    from = cut;
    while (from < end && /\s/.test(text[from] ?? '')) from++;
  }
  if (from < end) pieces.push([from, end]);
  return pieces;
}
