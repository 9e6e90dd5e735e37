/**
 * One file in, its text out, or a RagError saying exactly why not. Text is normalised to
 * `\n` line ends; every offset the library stores (chunks, citations, PDF pages) refers to
 * this extracted text, which is stored with the document.
 */
import { decodeText } from './decode';
import { RagError } from './errors';
import { documentKind, extensionOf, type DocumentKind } from './file-types';
import { htmlTitle, htmlToText } from './html';
import { RAG_LIMITS, type RagLimits } from './limits';
import { extractPdfText, type PdfJs, type PdfProgress } from './pdf';

export interface FileInput {
  name: string;
  /** The MIME type the browser reported, often empty. */
  type?: string | undefined;
  bytes: Uint8Array;
}

export interface ExtractedText {
  kind: DocumentKind;
  text: string;
  /** A title found in the file (HTML <title>), if any. */
  title: string | null;
  /** PDFs: where each page starts in `text`. */
  pageStarts?: number[] | undefined;
  /** Things the user may want to know that did not stop the file being added. */
  warnings: string[];
}

export interface ExtractOptions {
  loadPdfJs: () => Promise<PdfJs>;
  signal?: AbortSignal | undefined;
  onPdfProgress?: ((progress: PdfProgress) => void) | undefined;
  limits?: Pick<RagLimits, 'maxFileBytes' | 'maxTextChars'>;
}

/** Formats people often try, with what to do instead. */
const UNSUPPORTED_HINTS: Array<[RegExp, string]> = [
  [/^(docx?|odt|rtf|pages)$/, 'Save it as PDF, Markdown or plain text first.'],
  [/^(xlsx?|ods|numbers)$/, 'Export the sheet as CSV first.'],
  [/^(pptx?|odp|key)$/, 'Export the slides as PDF first.'],
  [/^(png|jpe?g|gif|webp|heic|bmp|tiff?|avif)$/, 'Images cannot be read: there is no OCR here.'],
  [/^(zip|gz|tgz|7z|rar|tar)$/, 'Unpack the archive and add the files inside.'],
  [/^(epub|mobi)$/, 'Convert the book to PDF or plain text first.'],
];

const megabytes = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;

/** The checks that need only a file's name, type and size: run before its bytes are read. */
export function checkFile(name: string, type: string | undefined, size: number, limits: Pick<RagLimits, 'maxFileBytes'> = RAG_LIMITS): DocumentKind {
  const kind = documentKind(name, type);
  if (kind === null) {
    const extension = extensionOf(name);
    const hint = UNSUPPORTED_HINTS.find(([pattern]) => pattern.test(extension))?.[1] ?? 'Supported: text, Markdown, CSV, JSON, HTML, source code and PDF.';
    throw new RagError('unsupported-type', `${name}: ${extension ? `.${extension} files are` : 'this kind of file is'} not supported. ${hint}`, name);
  }
  if (size > limits.maxFileBytes) {
    throw new RagError('too-large', `${name} is ${megabytes(size)}; files up to ${megabytes(limits.maxFileBytes)} can be added.`, name);
  }
  if (size === 0) throw new RagError('empty', `${name} is empty.`, name);
  return kind;
}

export async function extractText(file: FileInput, options: ExtractOptions): Promise<ExtractedText> {
  const limits = options.limits ?? RAG_LIMITS;
  const { name } = file;
  const kind = checkFile(name, file.type, file.bytes.length, limits);

  const extracted = kind === 'pdf' ? await extractPdf(file, options) : extractTextKind(kind, file);
  if (extracted.text.length > limits.maxTextChars) {
    throw new RagError(
      'too-large',
      `${name} holds ${(extracted.text.length / 1e6).toFixed(1)} million characters of text; up to ${(limits.maxTextChars / 1e6).toFixed(0)} million can be added. Split it into parts.`,
      name,
    );
  }
  return extracted;
}

async function extractPdf(file: FileInput, options: ExtractOptions): Promise<ExtractedText> {
  // Check the signature first: a text file renamed to .pdf deserves a clearer message than pdf.js's.
  const head = new TextDecoder('latin1').decode(file.bytes.subarray(0, 1024));
  if (!head.includes('%PDF-')) throw new RagError('pdf-invalid', `${file.name} is not a PDF file (it does not start like one).`, file.name);
  const pdfjs = await options.loadPdfJs();
  const { text, pageStarts } = await extractPdfText(file.bytes, file.name, pdfjs, { signal: options.signal, onProgress: options.onPdfProgress });
  return { kind: 'pdf', text: normaliseLineEnds(text), title: null, pageStarts, warnings: [] };
}

function extractTextKind(kind: Exclude<DocumentKind, 'pdf'>, file: FileInput): ExtractedText {
  const decoded = decodeText(file.bytes, file.name);
  const warnings = decoded.replacements > 0 ? [`${decoded.replacements} undecodable characters were replaced with �.`] : [];
  const raw = normaliseLineEnds(decoded.text);
  switch (kind) {
    case 'html': {
      const text = htmlToText(raw);
      if (text === '') throw new RagError('empty', `${file.name} has no visible text.`, file.name);
      return { kind, text, title: htmlTitle(raw), warnings };
    }
    case 'json':
      return { kind, text: readableJson(raw, file.name, warnings), title: null, warnings };
    default:
      return { kind, text: raw, title: null, warnings };
  }
}

/** Minified JSON is one enormous line; indented JSON chunks at line breaks like code. */
function readableJson(text: string, fileName: string, warnings: string[]): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    warnings.push(`${fileName} is not valid JSON; it was added as plain text.`);
    return text;
  }
  const longestLine = Math.max(...text.split('\n', 1000).map((line) => line.length));
  return longestLine > 400 ? JSON.stringify(value, null, 2) : text;
}

const normaliseLineEnds = (text: string): string => (text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text);
