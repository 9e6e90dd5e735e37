/**
 * Citations in an answer: [1], [1, 3], [2][3], [1-3]. Not inside code (fenced blocks or
 * inline code spans), not Markdown links ([1](url)), reference links ([text][1]) or reference
 * definitions ([1]: url), not escaped (\[1]). Each mark keeps its position, so the UI can turn
 * it into a link that opens the cited chunk.
 */
import type { ContextSource } from './prompt-context';

export interface CitationMark {
  /** The bracket group's range in the answer: answer.slice(start, end) === '[1, 3]'. */
  start: number;
  end: number;
  numbers: number[];
}

export interface ResolvedCitation extends CitationMark {
  /** One per number, in order; null where the answer cites a source that does not exist. */
  sources: Array<ContextSource | null>;
}

const GROUP = /\[\s*(\d{1,3}(?:\s*(?:[,;]|[-–])\s*\d{1,3})*)\s*\]/g;
/** A range such as 1-3 is expanded, up to this many numbers (beyond that it is not a citation). */
const MAX_RANGE = 20;

export function findCitations(answer: string): CitationMark[] {
  const code = codeRanges(answer);
  const marks: CitationMark[] = [];
  GROUP.lastIndex = 0;
  for (let match = GROUP.exec(answer); match; match = GROUP.exec(answer)) {
    const start = match.index;
    const end = start + match[0].length;
    if (inRanges(code, start)) continue;
    if (answer[start - 1] === '\\' || answer[start - 1] === '!') continue;
    // A link [1](url), or a reference definition: [1]: url at the start of a line.
    const after = answer[end];
    if (after === '(') continue;
    if (after === ':' && answer.slice(answer.lastIndexOf('\n', start - 1) + 1, start).trim() === '') continue;
    // A reference link: [text][1], where [text] is not itself a citation.
    if (answer[start - 1] === ']' && !marks.some((mark) => mark.end === start)) continue;
    const numbers = parseNumbers(match[1]!);
    if (numbers) marks.push({ start, end, numbers });
  }
  return marks;
}

export function resolveCitations(answer: string, sources: readonly ContextSource[]): ResolvedCitation[] {
  const byLabel = new Map(sources.map((source) => [source.label, source]));
  return findCitations(answer).map((mark) => ({ ...mark, sources: mark.numbers.map((number) => byLabel.get(number) ?? null) }));
}

/** The sources an answer cites, each once, in order of first citation. */
export function citedSources(answer: string, sources: readonly ContextSource[]): ContextSource[] {
  const cited = new Map<number, ContextSource>();
  for (const citation of resolveCitations(answer, sources)) {
    for (const source of citation.sources) if (source && !cited.has(source.label)) cited.set(source.label, source);
  }
  return [...cited.values()];
}

function parseNumbers(list: string): number[] | null {
  const numbers: number[] = [];
  for (const part of list.split(/\s*[,;]\s*/)) {
    const range = /^(\d+)\s*[-–]\s*(\d+)$/.exec(part);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (to < from || to - from >= MAX_RANGE) return null;
      for (let number = from; number <= to; number++) numbers.push(number);
    } else {
      numbers.push(Number(part));
    }
  }
  return numbers.every((number) => number >= 1) ? numbers : null;
}

/** Where code is: fenced blocks (``` or ~~~ lines) and inline spans (matching backtick runs). */
function codeRanges(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  const fence = /^ {0,3}(`{3,}|~{3,})[^\n]*\n[\s\S]*?(?:\n {0,3}\1[`~]*[ \t]*(?=\n|$)|$)/gm;
  for (let match = fence.exec(text); match; match = fence.exec(text)) ranges.push([match.index, match.index + match[0].length]);
  const inline = /(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g;
  for (let match = inline.exec(text); match; match = inline.exec(text)) {
    if (!inRanges(ranges, match.index)) ranges.push([match.index, match.index + match[0].length]);
  }
  return ranges;
}

const inRanges = (ranges: ReadonlyArray<[number, number]>, offset: number): boolean => ranges.some(([start, end]) => offset >= start && offset < end);
