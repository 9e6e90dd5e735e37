/**
 * A page with no UI that drives the RAG index worker as the app will: through RagClient, in
 * the real worker, with pdf.js's bundled worker, under the app's Content-Security-Policy.
 * rag-worker.test.ts builds it with Vite and calls these functions from Chromium.
 */
import { RagClient } from '../../../src/lib/rag/client';
import type { RagFile, TargetRef } from '../../../src/lib/rag/types';
import { makeTinyPdf } from '../../fixtures/tiny-pdf';

const target: TargetRef = { kind: 'conversation', id: 'harness' };
const client = new RagClient();

const file = (name: string, type: string, content: string | Uint8Array): RagFile => ({
  name,
  type,
  blob: new Blob([typeof content === 'string' ? content : content.slice()], { type }),
});

const harness = {
  async addSamples() {
    const phases = new Set<string>();
    const result = await client.add(
      target,
      [
        file('notes.md', 'text/markdown', '# Care\n\n## Descaling\n\nDescale the boiler every two months with citric acid.\n'),
        file('spec.pdf', 'application/pdf', makeTinyPdf({ pages: [['The boiler holds 300 ml.'], ['Brewing pressure is nine bar.']] })),
        file('scan.pdf', 'application/pdf', makeTinyPdf({ pages: [[]] })),
        file('secret.pdf', 'application/pdf', makeTinyPdf({ pages: [['x']], encrypted: true })),
      ],
      { onProgress: (progress) => phases.add(progress.phase) },
    );
    return {
      added: result.added.map((document) => ({ name: document.name, kind: document.kind, pageStarts: document.pageStarts ?? null })),
      failed: result.failed.map((failure) => [failure.fileName, failure.code]),
      phases: [...phases],
    };
  },
  async search(query: string) {
    const hits = await client.search([target], query, 3);
    return hits.map((hit) => ({ name: hit.document.name, text: hit.chunk.text }));
  },
};

(window as unknown as { ragHarness: typeof harness }).ragHarness = harness;
document.body.dataset.ready = 'true';
