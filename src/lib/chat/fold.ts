/**
 * Very long messages (a pasted file, a log) are shown folded: laying out megabytes of text in
 * one element blocks the page for seconds, and nobody reads it in a chat bubble anyway. The
 * whole text is always kept, sent and copied; only the view is shortened.
 */
export interface Folded {
  /** The start of the text, cut at a line break or a space where one is near. */
  preview: string;
  hiddenChars: number;
}

export function fold(text: string, limit: number): Folded | null {
  if (text.length <= limit) return null;
  let end = limit;
  const lineBreak = text.lastIndexOf('\n', limit);
  const space = text.lastIndexOf(' ', limit);
  if (lineBreak > limit * 0.8) end = lineBreak;
  else if (space > limit * 0.9) end = space;
  // Never between the two halves of a surrogate pair.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { preview: text.slice(0, end), hiddenChars: text.length - end };
}
