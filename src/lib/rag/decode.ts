/**
 * Bytes to text for the text-like kinds: UTF-8 (with or without BOM) and UTF-16 (with a BOM,
 * or recognised by its zero bytes), nothing else. A file in another encoding is refused with
 * a message rather than shown as mojibake, and a binary file renamed to .txt is recognised
 * before its bytes reach the index.
 */
import { RagError } from './errors';

/** Bytes examined for binary signatures and zero bytes; the rest of a file is judged after decoding. */
const SAMPLE_BYTES = 64 * 1024;
/** Invalid sequences tolerated (as U+FFFD) before a file is called "not UTF-8": a stray byte is not a wrong encoding. */
const MAX_REPLACEMENT_SHARE = 0.001;
const MAX_REPLACEMENTS_ALWAYS_OK = 3;
/** Control characters other than tab, newlines and form feed are rare in text and common in binary data. */
const MAX_CONTROL_SHARE = 0.01;

/** Signatures of the binary formats most often renamed or mistaken for text. */
const SIGNATURES: Array<[number[], string]> = [
  [[0x25, 0x50, 0x44, 0x46, 0x2d], 'a PDF document (rename it to .pdf)'],
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (Word, Excel and OpenDocument files are ZIP archives; save as .txt, .md or .pdf)'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0x7f, 0x45, 0x4c, 0x46], 'a program (ELF)'],
  [[0x4d, 0x5a], 'a Windows program'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Microsoft Office document (save it as .txt, .md or .pdf)'],
  [[0x00, 0x61, 0x73, 0x6d], 'a WebAssembly module'],
  [[0x47, 0x47, 0x55, 0x46], 'a GGUF model file'],
];

const startsWith = (bytes: Uint8Array, signature: number[]): boolean => signature.every((byte, index) => bytes[index] === byte);

type Encoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface DecodedText {
  text: string;
  encoding: Encoding;
  /** Invalid byte sequences replaced by U+FFFD (few enough to accept the file). */
  replacements: number;
}

export function decodeText(bytes: Uint8Array, fileName: string): DecodedText {
  const { encoding, bomLength } = detectEncoding(bytes, fileName);
  const body = bytes.subarray(bomLength);
  let text: string;
  let replacements = 0;
  try {
    text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    text = new TextDecoder(encoding, { fatal: false, ignoreBOM: true }).decode(body);
    replacements = countReplacements(text);
    if (replacements > MAX_REPLACEMENTS_ALWAYS_OK && replacements > text.length * MAX_REPLACEMENT_SHARE) {
      throw new RagError(
        'encoding',
        `${fileName} is not valid ${encoding.toUpperCase()} text (${replacements} undecodable byte sequences). It is probably in an older encoding such as Windows-1252 or Latin-1: save it as UTF-8 and add it again.`,
        fileName,
      );
    }
  }
  if (controlShare(text) > MAX_CONTROL_SHARE) {
    throw new RagError('binary', `${fileName} looks like a binary file, not text.`, fileName);
  }
  if (text.trim() === '') throw new RagError('empty', `${fileName} has no text in it.`, fileName);
  return { text, encoding, replacements };
}

function detectEncoding(bytes: Uint8Array, fileName: string): { encoding: Encoding; bomLength: number } {
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) return { encoding: 'utf-8', bomLength: 3 };
  if (startsWith(bytes, [0xff, 0xfe, 0x00, 0x00]) || startsWith(bytes, [0x00, 0x00, 0xfe, 0xff])) {
    throw new RagError('encoding', `${fileName} is in UTF-32, which is not supported: save it as UTF-8 and add it again.`, fileName);
  }
  if (startsWith(bytes, [0xff, 0xfe])) return { encoding: 'utf-16le', bomLength: 2 };
  if (startsWith(bytes, [0xfe, 0xff])) return { encoding: 'utf-16be', bomLength: 2 };

  const known = SIGNATURES.find(([signature]) => startsWith(bytes, signature));
  if (known) throw new RagError('binary', `${fileName} is not a text file: it looks like ${known[1]}.`, fileName);

  const sample = bytes.subarray(0, SAMPLE_BYTES);
  const utf16 = utf16WithoutBom(sample);
  if (utf16) return { encoding: utf16, bomLength: 0 };
  if (sample.includes(0)) throw new RagError('binary', `${fileName} looks like a binary file, not text (it contains zero bytes).`, fileName);
  return { encoding: 'utf-8', bomLength: 0 };
}

/**
 * UTF-16 text without a BOM, in a Latin script, has a zero in every other byte. Zero bytes
 * only in the odd positions mean little-endian, only in the even ones big-endian.
 */
function utf16WithoutBom(sample: Uint8Array): Encoding | null {
  const pairs = Math.floor(sample.length / 2);
  if (pairs < 2) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let index = 0; index + 1 < sample.length; index += 2) {
    if (sample[index] === 0) evenZeros++;
    if (sample[index + 1] === 0) oddZeros++;
  }
  if (oddZeros > pairs * 0.4 && evenZeros < pairs * 0.05) return 'utf-16le';
  if (evenZeros > pairs * 0.4 && oddZeros < pairs * 0.05) return 'utf-16be';
  return null;
}

function countReplacements(text: string): number {
  let count = 0;
  for (let index = text.indexOf('\uFFFD'); index !== -1; index = text.indexOf('\uFFFD', index + 1)) count++;
  return count;
}

function controlShare(text: string): number {
  if (text.length === 0) return 0;
  const controls = text.match(/[\x00-\x08\x0B\x0E-\x1F\x7F]/g)?.length ?? 0;
  return controls / text.length;
}
