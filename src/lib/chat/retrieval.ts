/**
 * Turns what the document search found into what an answer keeps: the sources it may cite
 * (with the text that went into the prompt) and the candidates the prompt inspector lists.
 */
import { findCitations } from '../rag/citations';
import type { PromptContext } from '../rag/prompt-context';
import type { AnswerRetrieval, AnswerSource } from './types';

const PREVIEW_CHARS = 160;

export function toAnswerRetrieval(context: PromptContext): AnswerRetrieval {
  return {
    tokens: context.tokens,
    sources: context.sources.map((source) => ({
      label: source.label,
      chunkId: source.chunk.id,
      documentId: source.document.id,
      documentName: source.document.name,
      target: source.document.target,
      start: source.chunk.start,
      end: source.chunk.end,
      page: source.page,
      text: source.text,
    })),
    candidates: context.candidates.map((candidate) => ({
      chunkId: candidate.chunk.id,
      label: candidate.label,
      documentName: candidate.document.name,
      status: candidate.status,
      tokens: candidate.tokens,
      score: candidate.score,
      preview: candidate.chunk.text.slice(0, PREVIEW_CHARS),
    })),
  };
}

/** The sources an answer actually cites, in label order. */
export function citedAnswerSources(answer: string, sources: readonly AnswerSource[]): AnswerSource[] {
  const cited = new Set(findCitations(answer).flatMap((mark) => mark.numbers));
  return sources.filter((source) => cited.has(source.label));
}
