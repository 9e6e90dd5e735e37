/**
 * Retrieved chunks to the text block that goes into the prompt: numbered sources [1], [2], …
 * in ranking order, as many as fit the token budget. A chunk is included whole or not at all;
 * only when the best chunk alone is larger than the whole budget is it cut (at a word) and
 * marked as cut. The candidates list says, for the prompt inspector, which chunks were used
 * and why the others were not; chunk ids in `excluded` (the user's toggles) are left out.
 */
import type { ScoredChunk } from './api';
import { estimateTokens, CHARS_PER_TOKEN, type TokenCounter } from './tokens';

export const DEFAULT_INSTRUCTIONS =
  'Answer using the numbered sources below where they are relevant. Cite the sources you use with their numbers in square brackets, like [1] or [2][3]. If the sources do not contain the answer, say so.';

export interface ContextOptions {
  /** Candidates considered, best first; the rest of the ranking is ignored. */
  topK: number;
  /** Tokens the whole block may take (instructions, labels and texts). */
  tokenBudget: number;
  /** Chunk ids the user switched off in the prompt inspector. */
  excluded?: ReadonlySet<string> | undefined;
  countTokens?: TokenCounter | undefined;
  instructions?: string | undefined;
}

/** A source as inserted into the prompt under its label. */
export interface ContextSource extends ScoredChunk {
  /** The number it is cited by: [label]. */
  label: number;
  /** What was inserted (the chunk, after its context such as a CSV header; cut if `truncated`). */
  text: string;
  truncated: boolean;
  /** Page of a PDF where the chunk starts, from 1. */
  page: number | null;
}

export type CandidateStatus = 'included' | 'excluded' | 'over-budget' | 'duplicate';

/** One line of the prompt inspector. */
export interface ContextCandidate extends ScoredChunk {
  rank: number;
  included: boolean;
  status: CandidateStatus;
  label: number | null;
  tokens: number;
}

export interface PromptContext {
  /** Exactly what to put into the prompt (system message or before the question); '' when nothing was retrieved or fits. */
  block: string;
  tokens: number;
  sources: ContextSource[];
  candidates: ContextCandidate[];
}

const SEPARATOR = '\n\n';

export function pageOf(pageStarts: readonly number[] | undefined, offset: number): number | null {
  if (!pageStarts || pageStarts.length === 0) return null;
  let page = 0;
  while (page + 1 < pageStarts.length && pageStarts[page + 1]! <= offset) page++;
  return page + 1;
}

/** "[2] guide.md › Install › Linux (page 3)" */
export function sourceLabel(label: number, source: ScoredChunk, page: number | null): string {
  const where = [source.document.name, ...source.chunk.headingPath].join(' › ');
  return `[${label}] ${where}${page === null ? '' : ` (page ${page})`}`;
}

export function buildPromptContext(ranked: readonly ScoredChunk[], options: ContextOptions): PromptContext {
  const count = options.countTokens ?? estimateTokens;
  const instructions = options.instructions ?? DEFAULT_INSTRUCTIONS;
  const separatorTokens = count(SEPARATOR);
  const sources: ContextSource[] = [];
  const candidates: ContextCandidate[] = [];
  const parts: string[] = [];
  let used = count(instructions);
  const fitsAtAll = used <= options.tokenBudget;

  ranked.slice(0, Math.max(0, options.topK)).forEach((candidate, index) => {
    const page = pageOf(candidate.document.pageStarts, candidate.chunk.start);
    const body = candidate.chunk.context + candidate.chunk.text;
    const line = (label: number, text: string): string => `${sourceLabel(label, candidate, page)}\n${text}`;
    const base = { ...candidate, rank: index + 1, tokens: count(body) };
    const mark = (status: CandidateStatus, label: number | null = null): void => {
      candidates.push({ ...base, included: status === 'included', status, label });
    };

    if (options.excluded?.has(candidate.chunk.id)) return mark('excluded');
    if (sources.some((source) => sameText(source, candidate))) return mark('duplicate');
    if (!fitsAtAll) return mark('over-budget');
    const label = sources.length + 1;
    let text = body;
    let truncated = false;
    let cost = separatorTokens + count(line(label, text));
    if (used + cost > options.tokenBudget) {
      // Only the first source may be cut: the best chunk cut short beats no source at all.
      if (sources.length > 0) return mark('over-budget');
      const room = options.tokenBudget - used - separatorTokens - count(line(label, ''));
      text = cutAtWord(body, room * CHARS_PER_TOKEN);
      if (text === '') return mark('over-budget');
      truncated = true;
      // Counters other than the estimate may disagree with chars/4: shorten until it fits.
      while (text !== '' && used + separatorTokens + count(line(label, text)) > options.tokenBudget) text = cutAtWord(text, text.length * 0.9);
      if (text === '') return mark('over-budget');
      cost = separatorTokens + count(line(label, text));
    }
    used += cost;
    parts.push(line(label, text));
    sources.push({ ...candidate, label, text, truncated, page });
    mark('included', label);
  });

  if (sources.length === 0) return { block: '', tokens: 0, sources, candidates };
  const block = [instructions, ...parts].join(SEPARATOR);
  return { block, tokens: used, sources, candidates };
}

/** The same text found twice (the same file in a conversation and in a collection, or a chunk inside another). */
function sameText(source: ScoredChunk, candidate: ScoredChunk): boolean {
  if (source.chunk.docId === candidate.chunk.docId) return source.chunk.start <= candidate.chunk.start && candidate.chunk.end <= source.chunk.end;
  return source.chunk.text === candidate.chunk.text;
}

/** At most `maxChars` characters, ending at a word boundary, with an ellipsis to show the cut. */
function cutAtWord(text: string, maxChars: number): string {
  const limit = Math.floor(maxChars) - 2;
  if (limit <= 0) return '';
  if (text.length <= limit) return text;
  const space = text.lastIndexOf(' ', limit);
  const end = space > limit / 2 ? space : limit;
  return `${text.slice(0, end).trimEnd()} …`;
}
