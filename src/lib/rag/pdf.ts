/**
 * Text from a PDF's text layer with pdf.js. The pdf.js module is passed in (see
 * pdfjs-loader.ts) so this runs the same in the index worker, in Node for the tests, and
 * anywhere else. Scanned PDFs have no text layer: there is no OCR here, and the user is told so.
 */
import { RagError, cancelled } from './errors';

/** The part of pdf.js this module uses. */
export type PdfJs = Pick<typeof import('pdfjs-dist'), 'getDocument'>;

export interface PdfText {
  text: string;
  /** Offset in `text` where each page starts: page n (from 1) starts at pageStarts[n - 1]. */
  pageStarts: number[];
}

export interface PdfProgress {
  page: number;
  pages: number;
}

/** A text item whose baseline is this many line heights below the previous one starts a paragraph. */
const PARAGRAPH_GAP = 1.6;

export async function extractPdfText(
  bytes: Uint8Array,
  fileName: string,
  pdfjs: PdfJs,
  options: { signal?: AbortSignal | undefined; onProgress?: ((progress: PdfProgress) => void) | undefined } = {},
): Promise<PdfText> {
  const { signal, onProgress } = options;
  // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy.
  const task = pdfjs.getDocument({
    data: bytes.slice(),
    // The app's CSP forbids eval; pdf.js would otherwise try it for fonts and report violations.
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    // Errors only: warnings about missing standard-font data matter for rendering, not for text.
    verbosity: 0,
  });
  const onAbort = (): void => void task.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const document = await task.promise.catch((error: unknown) => {
      throw pdfOpenError(error, fileName);
    });
    const pages: string[] = [];
    for (let number = 1; number <= document.numPages; number++) {
      if (signal?.aborted) throw cancelled();
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      pages.push(pageText(content.items));
      page.cleanup();
      onProgress?.({ page: number, pages: document.numPages });
    }
    const pageStarts: number[] = [];
    let text = '';
    for (const page of pages) {
      if (text !== '' && page !== '') text += '\n\n';
      pageStarts.push(text.length);
      text += page;
    }
    if (text.trim() === '') {
      throw new RagError(
        'pdf-no-text',
        `${fileName} has no text layer: its pages are images (a scan or a photo). Hearth reads only text; run it through OCR first, or copy the text into a .txt file.`,
        fileName,
      );
    }
    return { text, pageStarts };
  } catch (error) {
    if (signal?.aborted) throw cancelled();
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    void task.destroy();
  }
}

/** pdf.js text items: strings with their position; `hasEOL` marks the end of a line. */
interface TextItemLike {
  str?: string;
  hasEOL?: boolean;
  transform?: number[];
  height?: number;
}

function pageText(items: readonly unknown[]): string {
  let text = '';
  let lastBaseline: number | null = null;
  for (const raw of items) {
    const item = raw as TextItemLike;
    if (typeof item.str !== 'string') continue;
    const baseline = item.transform?.[5];
    const height = item.height ?? 0;
    // A new line that begins well below the last one is a new paragraph: blank line, so chunking sees it.
    if (text.endsWith('\n') && lastBaseline !== null && baseline !== undefined && height > 0 && lastBaseline - baseline > height * PARAGRAPH_GAP) {
      text += '\n';
    }
    text += item.str;
    if (item.hasEOL) text += '\n';
    if (baseline !== undefined && item.str !== '') lastBaseline = baseline;
  }
  return text.replace(/[ \t]+\n/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

function pdfOpenError(error: unknown, fileName: string): RagError {
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') {
    return new RagError('pdf-encrypted', `${fileName} is protected by a password. Open it, save a copy without the password, and add that copy.`, fileName, {
      cause: error,
    });
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new RagError('pdf-invalid', `${fileName} could not be read as a PDF (${detail}). It may be damaged or incomplete.`, fileName, { cause: error });
}
