/**
 * CSV and TSV records, respecting quotes (a quoted field may hold commas and line breaks).
 * Only where each record starts and ends is needed: chunks group whole rows and repeat the
 * header row in front of each group, so a row is never read without its column names.
 */
export interface RecordRange {
  start: number;
  end: number;
}

export function csvRecords(text: string): RecordRange[] {
  const records: RecordRange[] = [];
  let start = 0;
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === 0x22 /* " */) quoted = !quoted;
    else if (char === 0x0a /* \n */ && !quoted) {
      if (text.slice(start, index).trim() !== '') records.push({ start, end: index });
      start = index + 1;
    }
  }
  if (text.slice(start).trim() !== '') records.push({ start, end: text.trimEnd().length });
  return records;
}
