import type { EvalScore } from '../types';
import { contentWords, round, sentences } from './text';
import type { EvalInput, Evaluator } from './types';

export interface GroundednessOptions {
  /** Share of a sentence's content words one chunk must contain for the sentence to count as supported. */
  threshold?: number;
  /** Sentences with fewer content words than this ("Sure!", "Hope that helps.") are not judged. */
  minWords?: number;
}

const DEFAULTS = { threshold: 0.6, minWords: 2 } as const;

/** Conversational filler that no source supports and no reader expects to be sourced. */
const FILLER = /^(?:i )?(?:hope (?:this|that|it) helps|let me know|feel free|(?:i(?:'|’)m )?(?:happy|glad) to help|(?:great|good) question|sure|certainly|of course)\b/i;

/**
 * **Groundedness** — how much of the answer is supported by the retrieved chunks.
 *
 * The answer is split into sentences (after . ! ? and at line breaks; fenced code is left out).
 * Each sentence is reduced to its content words: lower-cased tokens without English stop words,
 * lightly stemmed (plurals, -ed, -ing, -ly), numbers kept. A sentence is *supported* when a single
 * chunk contains at least 60% of its distinct content words. Sentences with fewer than two
 * content words, and chat filler ("Hope that helps", "Let me know…"), are not judged. The score
 * is supported sentences ÷ judged sentences, 0..1. It is null when no chunks were retrieved, or
 * when the answer has no sentence to judge.
 *
 * Limits: it is lexical. A faithful paraphrase with different words counts as unsupported; a
 * sentence that reuses a chunk's words but inverts its meaning ("X is not Y" against "X is Y")
 * counts as supported; facts spread over two chunks are judged against each chunk separately;
 * stop words and stemming are English. Read it as "how much of the answer is visibly drawn from
 * the sources", not as a truth check.
 */
export function groundedness(input: EvalInput, options: GroundednessOptions = {}): EvalScore {
  const { threshold, minWords } = { ...DEFAULTS, ...options };
  const chunks = (input.chunks ?? []).filter((chunk) => chunk.text.trim().length > 0);
  if (chunks.length === 0) return { name: 'groundedness', score: null, details: { reason: 'no retrieved chunks' } };
  const chunkWords = chunks.map((chunk) => ({ id: chunk.id, words: new Set(contentWords(chunk.text)) }));

  const judged = sentences(input.answer)
    .filter((text) => !FILLER.test(text))
    .map((text) => ({ text, words: [...new Set(contentWords(text))] }))
    .filter((sentence) => sentence.words.length >= minWords)
    .map(({ text, words }) => {
      let best = { coverage: 0, chunkId: null as string | null };
      for (const chunk of chunkWords) {
        const coverage = words.filter((word) => chunk.words.has(word)).length / words.length;
        if (coverage > best.coverage) best = { coverage, chunkId: chunk.id };
      }
      return { text: text.length > 160 ? `${text.slice(0, 157)}…` : text, coverage: round(best.coverage), chunkId: best.chunkId, supported: best.coverage >= threshold };
    });

  if (judged.length === 0) return { name: 'groundedness', score: null, details: { reason: 'no sentence to judge', threshold } };
  const supported = judged.filter((sentence) => sentence.supported).length;
  return {
    name: 'groundedness',
    score: round(supported / judged.length),
    details: { supported, judged: judged.length, threshold, sentences: judged },
  };
}

export const groundednessEvaluator: Evaluator = {
  name: 'groundedness',
  version: 1,
  evaluate: (input) => groundedness(input),
};
