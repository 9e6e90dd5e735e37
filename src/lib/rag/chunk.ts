/**
 * Text to chunks, along the text's structure: sections under headings, paragraphs, whole
 * code blocks, groups of CSV rows under their header. Each chunk aims at a token size, and in
 * running prose repeats the last sentence or two of the chunk before it (overlap), so an
 * answer that straddles two chunks is found in either.
 *
 * Invariant: `text.slice(chunk.start, chunk.end) === chunk.text`. Anything shown with a
 * chunk that is not in that range (a CSV header, the heading path) lives in other fields.
 */
import { csvRecords } from './csv';
import type { DocumentKind } from './file-types';
import { DEFAULT_CHUNK_OPTIONS, type ChunkOptions } from './limits';
import { sections, type Section } from './structure';
import { CHARS_PER_TOKEN, estimateTokens } from './tokens';
import { blockUnits, type Unit } from './units';

export interface ChunkSpan {
  start: number;
  end: number;
  headingPath: string[];
  /** Text that belongs in front of this chunk wherever it is read (a CSV header row), or ''. */
  context: string;
}

export interface Chunk extends ChunkSpan {
  /** `${docId}#${index}`: unique across every document. */
  id: string;
  docId: string;
  index: number;
  text: string;
  tokens: number;
}

/** Below this share of the target, a chunk is not ended early just to end at a paragraph. */
const MIN_FILL_FOR_PARAGRAPH_END = 0.5;

export function chunkDocument(docId: string, text: string, kind: DocumentKind, options: ChunkOptions = DEFAULT_CHUNK_OPTIONS): Chunk[] {
  return chunkSpans(text, kind, options).map((span, index) => chunkFromSpan(docId, text, span, index));
}

/** A stored span back to a chunk: the text is sliced from the document text, never stored twice. */
export function chunkFromSpan(docId: string, text: string, span: ChunkSpan, index: number): Chunk {
  const { start, end, headingPath, context } = span;
  const chunkText = text.slice(start, end);
  return { start, end, headingPath, context, id: `${docId}#${index}`, docId, index, text: chunkText, tokens: estimateTokens(context + chunkText) };
}

export function chunkSpans(text: string, kind: DocumentKind, options: ChunkOptions = DEFAULT_CHUNK_OPTIONS): ChunkSpan[] {
  switch (kind) {
    case 'csv':
      return csvSpans(text, options);
    case 'markdown':
    case 'html':
      return sectionSpans(text, sections(text, { markdown: true, paragraph: 'prose' }), options);
    case 'code':
    case 'json':
      return sectionSpans(text, sections(text, { markdown: false, paragraph: 'code' }), options);
    case 'text':
    case 'pdf':
      return sectionSpans(text, sections(text, { markdown: false, paragraph: 'prose' }), options);
  }
}

function sectionSpans(text: string, all: Section[], options: ChunkOptions): ChunkSpan[] {
  return all.flatMap((section) => {
    const units = section.blocks.flatMap((block) => blockUnits(text, block.start, block.end, block.kind, options.targetTokens, options.maxCodeTokens));
    return pack(units, options).map(([start, end]) => ({ start, end, headingPath: section.headingPath, context: '' }));
  });
}

const tokensBetween = (start: number, end: number): number => Math.ceil((end - start) / CHARS_PER_TOKEN);

/** Greedy packing of units into [start, end) ranges of about `targetTokens`, with overlap. */
export function pack(units: readonly Unit[], options: ChunkOptions): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let first = 0;
  while (first < units.length) {
    const start = units[first]!.start;
    let last = first;
    while (last + 1 < units.length && tokensBetween(start, units[last + 1]!.end) <= options.targetTokens) last++;
    // Cutting inside a paragraph when the chunk could end at the one before: end at the paragraph.
    if (last + 1 < units.length && !units[last + 1]!.blockStart) {
      for (let candidate = last; candidate > first; candidate--) {
        if (!units[candidate]!.blockStart) continue;
        if (tokensBetween(start, units[candidate - 1]!.end) >= options.targetTokens * MIN_FILL_FOR_PARAGRAPH_END) last = candidate - 1;
        break;
      }
    }
    // A heading stays with what follows it.
    while (last > first && units[last]!.heading) last--;
    if (units[last]!.heading && last + 1 < units.length) last++;
    ranges.push([start, units[last]!.end]);
    if (last + 1 >= units.length) break;

    let next = last + 1;
    while (next - 1 > first && units[next - 1]!.overlaps && tokensBetween(units[next - 1]!.start, units[last]!.end) <= options.overlapTokens) next--;
    first = next;
  }
  return ranges;
}

function csvSpans(text: string, options: ChunkOptions): ChunkSpan[] {
  const [header, ...rows] = csvRecords(text);
  if (!header) return [];
  if (rows.length === 0) return [{ start: header.start, end: header.end, headingPath: [], context: '' }];
  const context = `${text.slice(header.start, header.end)}\n`;
  const budget = Math.max(1, options.targetTokens - estimateTokens(context));
  const spans: ChunkSpan[] = [];
  let groupStart = rows[0]!;
  let previous = rows[0]!;
  for (const row of rows.slice(1)) {
    if (tokensBetween(groupStart.start, row.end) > budget) {
      spans.push({ start: groupStart.start, end: previous.end, headingPath: [], context });
      groupStart = row;
    }
    previous = row;
  }
  spans.push({ start: groupStart.start, end: previous.end, headingPath: [], context });
  return spans;
}
