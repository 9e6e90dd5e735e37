import type { EvalScore } from '../types';
import { contentWords, round, sentences } from './text';
import type { EvalInput, Evaluator } from './types';

/** Openings that decline rather than answer. Only the first two sentences are checked. */
const REFUSAL =
  /\b(?:i(?:'|’)?m (?:sorry|afraid|unable|not able)|i am (?:sorry|afraid|unable|not able)|i can(?:not|'t|’t) (?:help|assist|answer|provide|do|comply|share|discuss)|i(?:'|’)?m not (?:allowed|permitted)|as an ai(?: language model)?|i (?:do not|don't|don’t) have (?:access|the ability|information|enough information)|i won(?:'|’)t be able)\b/i;

/** Covering this share of the question's content words already counts as fully on topic. */
const FULL_COVERAGE = 0.5;
/** A refusal keeps this fraction of its score. */
const REFUSAL_FACTOR = 0.2;

/**
 * **Answer relevance** — does the answer address the question? A heuristic, not a judgement.
 *
 * Both texts are reduced to content words (lower-cased, English stop words removed, lightly
 * stemmed: "caches", "cached" and "caching" all match "cache"). Coverage is the share of the
 * question's distinct content words that appear in the answer; the score is coverage ÷ 0.5,
 * capped at 1, because good answers rarely repeat every word of the question. An answer whose
 * first two sentences decline ("I'm sorry, I can't help with that", "As an AI…") keeps only 20%
 * of its score; an empty answer scores 0. The score is null when the question has no content
 * words ("hi", "thanks"), since there is nothing to be relevant to.
 *
 * Limits: lexical overlap only. A correct answer in other words ("Paris." to "What is the
 * capital of France?") scores low; an answer that parrots the question scores high; synonyms,
 * other languages' inflections and meaning are invisible to it; a polite apology before a real
 * answer can be mistaken for a refusal. Use it to spot answers that drift off topic, and the
 * LLM judge when a model is available to judge meaning.
 */
export function relevance(input: EvalInput): EvalScore {
  const questionWords = [...new Set(contentWords(input.question))];
  if (questionWords.length === 0) return { name: 'relevance', score: null, details: { reason: 'the question has no content words' } };
  if (!input.answer.trim()) return { name: 'relevance', score: 0, details: { reason: 'empty answer', questionWords } };
  const answerWords = new Set(contentWords(input.answer));
  const matched = questionWords.filter((word) => answerWords.has(word));
  const coverage = matched.length / questionWords.length;
  const refusal = REFUSAL.test(sentences(input.answer).slice(0, 2).join(' '));
  const score = Math.min(1, coverage / FULL_COVERAGE) * (refusal ? REFUSAL_FACTOR : 1);
  return {
    name: 'relevance',
    score: round(score),
    details: { coverage: round(coverage), questionWords, matched, refusal },
  };
}

export const relevanceEvaluator: Evaluator = {
  name: 'relevance',
  version: 1,
  evaluate: (input) => relevance(input),
};
