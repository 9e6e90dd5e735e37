import type { PdfJs } from '../../../src/lib/rag/pdf';

/**
 * pdf.js's legacy build: the same library and API as the app's, plus the polyfills Node needs
 * (DOMMatrix). The app loads the modern build in its worker (pdfjs-loader.ts), which needs a browser.
 */
export const loadLegacyPdfJs = (): Promise<PdfJs> => import('pdfjs-dist/legacy/build/pdf.mjs');
