/**
 * pdf.js, loaded on first use (about 1 MB: it must not weigh on the first paint). Its own
 * worker script is bundled with the app (`?url`), never fetched from a CDN, so it loads under
 * the app's CSP (`worker-src 'self'`). Where there is no Worker (Node, in tests) pdf.js parses
 * in the calling thread instead.
 */
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import type { PdfJs } from './pdf';

let loading: Promise<PdfJs> | null = null;

export function loadPdfJs(): Promise<PdfJs> {
  loading ??= import('pdfjs-dist').then((pdfjs) => {
    if (typeof Worker !== 'undefined') pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
    return pdfjs;
  });
  // A failed import (offline after an update, say) is retried on the next file.
  loading.catch(() => (loading = null));
  return loading;
}
