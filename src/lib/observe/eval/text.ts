/**
 * The lexical toolkit the heuristic evaluators share: tokens, English stop words, a light
 * suffix-stripping stemmer and a sentence splitter. Deliberately simple and deterministic: the
 * same text always gives the same score, and every step can be explained in a sentence.
 */

/** Function words that carry no topic; English only (other languages keep all their words). */
const STOP_WORDS = new Set(
  `a about above after again against all also am an and any are aren't as at be because been before being below between both
  but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each either else etc ever every
  few for from further get gets got had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself
  him himself his how how's however i i'd i'll i'm i've if in into is isn't it it's its itself just let's like many may me
  might more most much must mustn't my myself no nor not now of off often on once one only or other ought our ours ourselves
  out over own per please quite rather really same shall shan't she she'd she'll she's should shouldn't so some such than that
  that's the their theirs them themselves then there there's these they they'd they'll they're they've this those though
  through thus to too under until up upon us use used using very via was wasn't we we'd we'll we're we've were weren't what
  what's when when's where where's whether which while who who's whom whose why why's will with within without won't would
  wouldn't yes yet you you'd you'll you're you've your yours yourself yourselves tell explain describe give show know want
  need make sure thing things something way well hi hello hey thanks thank ok okay`.split(/\s+/),
);

/** Words, numbers and contractions; apostrophes normalised to ASCII. */
export function tokens(text: string): string[] {
  return (text.normalize('NFKC').toLowerCase().replace(/[’‘]/g, "'").match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? []).map((token) =>
    token.replace(/'s$/, ''),
  );
}

const VOWEL = /[aeiouy]/;

/**
 * Light English stemming: plural and -ed/-ing/-ly endings and a final -e, so "caches",
 * "cached", "caching" and "cache" meet at "cach". Not Porter: it only has to map both sides of
 * a comparison the same way. Words that are not plain a–z (other scripts, numbers) stay as they are.
 */
export function stem(token: string): string {
  let word = token;
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  if (/(?:ies|ied)$/.test(word)) word = word.slice(0, -3) + 'y';
  else if (word.endsWith('sses')) word = word.slice(0, -2);
  else if (word.endsWith('s') && !/(?:ss|us|is)$/.test(word)) word = word.slice(0, -1);
  for (const suffix of ['ingly', 'edly', 'ing', 'ed', 'ly']) {
    const base = word.slice(0, -suffix.length);
    if (word.endsWith(suffix) && base.length >= 3 && VOWEL.test(base)) {
      // "running" → "runn" → "run"; but "falling" keeps its double l ("fall").
      word = /([^aeiouylsz])\1$/.test(base) ? base.slice(0, -1) : base;
      break;
    }
  }
  if (word.endsWith('e') && word.length > 4) word = word.slice(0, -1);
  return word;
}

/** Stemmed tokens that are not stop words: the words that say what a text is about. */
export function contentWords(text: string): string[] {
  return tokens(text)
    .filter((token) => !STOP_WORDS.has(token) && (token.length > 1 || /\p{N}/u.test(token)))
    .map(stem);
}

/** Fenced code is not prose: it is left out of sentence-level checks. */
export function withoutCode(text: string): string {
  return text.replace(/```[\s\S]*?(?:```|$)/g, '\n');
}

/**
 * Sentences of a Markdown answer: split after . ! ? followed by a space, and at line breaks
 * (list items and headings are sentences of their own). Abbreviations such as "e.g." split too.
 */
export function sentences(text: string): string[] {
  return withoutCode(text)
    .split(/\n+/)
    .map((line) => line.replace(/^\s*(?:[-*+>]|#{1,6}|\d+[.)])\s+/, ''))
    .flatMap((line) => line.split(/(?<=[.!?])\s+/))
    .map((sentence) => sentence.replace(/[*_`#]/g, '').trim())
    .filter((sentence) => sentence.length > 0);
}

/** Shannon entropy in bits per character: about 4–6 for random keys, under 3.5 for words. */
export function entropy(text: string): number {
  if (!text) return 0;
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Scores are stored to three decimals: more would be noise. */
export const round = (value: number): number => Math.round(value * 1000) / 1000;
