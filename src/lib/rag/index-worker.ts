/** The index worker: extraction, chunking, indexing and storage of the RAG library, off the main thread. */
import { createStore } from 'idb-keyval';
import { DATABASES } from '../storage/db';
import { createRagHost } from './index-host';
import { loadPdfJs } from './pdfjs-loader';
import { RagRepository } from './repository';
import { RagService } from './service';

const [database, store] = DATABASES.rag;
const service = new RagService({ repository: new RagRepository(createStore(database, store)), loadPdfJs });
const host = createRagHost((message) => self.postMessage(message), service);
self.onmessage = (event: MessageEvent) => void host.receive(event.data);
