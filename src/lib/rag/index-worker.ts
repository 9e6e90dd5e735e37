/** The index worker: extraction, chunking, indexing and storage of the RAG library, off the main thread. */
import { createStore } from 'idb-keyval';
import { ensureStorage } from '../storage/availability';
import { DATABASES } from '../storage/db';
import { createRagHost } from './index-host';
import { loadPdfJs } from './pdfjs-loader';
import { RagRepository } from './repository';
import { RagService } from './service';

const [database, store] = DATABASES.rag;
// A worker has its own IndexedDB global: where the browser refuses storage, documents live in this worker's memory.
const host = ensureStorage(DATABASES.rag).then(() => {
  const service = new RagService({ repository: new RagRepository(createStore(database, store)), loadPdfJs });
  return createRagHost((message) => self.postMessage(message), service);
});
// Messages keep their order: each waits on the same promise, resolved once.
self.onmessage = (event: MessageEvent) => void host.then((ready) => ready.receive(event.data));
