/**
 * The WebLLM worker: WebLLM's own handler owns the model and the GPU, off the main thread.
 * The page talks to it only through `WebWorkerMLCEngine` (see webllm.ts).
 */
import { WebWorkerMLCEngineHandler } from '@mlc-ai/web-llm';

const handler = new WebWorkerMLCEngineHandler();
self.onmessage = (event: MessageEvent) => handler.onmessage(event);
