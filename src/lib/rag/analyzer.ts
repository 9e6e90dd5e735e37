/**
 * How text becomes index terms, the same for documents and queries: words in any script
 * (letters, digits), lower-cased, common English words dropped, a light English stemmer so
 * "indexed", "indexing" and "indexes" meet, identifiers split (`getTextContent` and
 * `page_count` are found by their parts too), and CJK text as overlapping character pairs
 * because it has no spaces.
 *
 * Changing anything here changes the terms in stored indexes: bump ANALYZER_VERSION, and
 * stored indexes are rebuilt from their stored chunks on load.
 */
export const ANALYZER_VERSION = 1;

const WORD = /[\p{L}\p{N}_]+/gu;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have how i if in into is it its me my no not of on or ' +
    'our so than that the their them then there these they this those to was we were what when where which who whom why will with ' +
    'would you your yours about also any all just more most other some such only own same very should may might must shall'
  ).split(' '),
);

export function tokenize(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Terms for one token: null when it carries no meaning for search. */
export function processTerm(token: string): string | string[] | null {
  // Most tokens are plain lower-case words: the fast path.
  if (/^[a-z]+$/.test(token)) return STOP_WORDS.has(token) ? null : stem(token);
  const lower = token.toLowerCase();
  if (CJK.test(lower)) return cjkBigrams(lower);
  const parts = identifierParts(token);
  if (parts.length > 1) {
    const terms = [lower.replace(/_/g, ''), ...parts.map((part) => stem(part.toLowerCase()))].filter((term) => term.length > 1 && !STOP_WORDS.has(term));
    return terms.length > 0 ? [...new Set(terms)] : null;
  }
  const word = lower.replace(/_/g, '');
  if (word.length === 0 || STOP_WORDS.has(word)) return null;
  return stem(word);
}

/** `getTextContent` → get, Text, Content; `page_count` → page, count; `HTTPServer` → HTTP, Server. */
function identifierParts(token: string): string[] {
  return token.split('_').flatMap((part) => part.match(/\p{Lu}+(?!\p{Ll})|\p{Lu}?\p{Ll}+|\p{N}+|[^\p{Lu}\p{Ll}\p{N}]+/gu) ?? []).filter((part) => part !== '');
}

function cjkBigrams(text: string): string[] {
  const chars = [...text];
  if (chars.length < 2) return chars;
  return chars.slice(0, -1).map((char, index) => char + chars[index + 1]);
}

/**
 * A light English stemmer: plural and verb endings, then a final "e", so that store, stores,
 * stored and storing share the stem "stor". Consistency matters more than correct linguistics:
 * documents and queries go through the same function. Words in other languages are left alone
 * unless they happen to end like English ones.
 */
export function stem(word: string): string {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  let stemmed = word;
  if (stemmed.endsWith('ies') && stemmed.length > 4) stemmed = `${stemmed.slice(0, -3)}y`;
  else if (stemmed.endsWith('sses')) stemmed = stemmed.slice(0, -2);
  else if (/(?:ch|sh|x|z)es$/.test(stemmed)) stemmed = stemmed.slice(0, -2);
  else if (stemmed.endsWith('s') && !/(?:ss|us|is)$/.test(stemmed)) stemmed = stemmed.slice(0, -1);
  else if (stemmed.endsWith('ing') && stemmed.length > 5) stemmed = undouble(stemmed.slice(0, -3));
  else if (stemmed.endsWith('ed') && stemmed.length > 4) stemmed = undouble(stemmed.slice(0, -2));
  if (stemmed.endsWith('e') && stemmed.length > 3) stemmed = stemmed.slice(0, -1);
  return stemmed;
}

/** running → run, stopped → stop; but not fall, pass, buzz. */
function undouble(stem: string): string {
  return /([b-df-hj-km-np-rtv-z])\1$/.test(stem) && !/(?:ll|ss|zz)$/.test(stem) ? stem.slice(0, -1) : stem;
}
