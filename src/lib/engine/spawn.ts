/**
 * Starting the engine workers, kept apart from WebLLM's client (webllm.ts): a worker parses
 * megabytes of code, and so does the client on the main thread. Started first, the worker does
 * its share while the client loads, instead of after it.
 */
import type { Script } from './scripted';
import type { ConfigureScriptMessage } from './scripted-protocol';

/** A worker, with the error it raises if its script fails — caught from the start, so none is missed. */
export interface StartedWorker {
  worker: Worker;
  failed: Promise<ErrorEvent>;
}

export function started(worker: Worker): StartedWorker {
  const failed = new Promise<ErrorEvent>((resolve) => {
    worker.addEventListener(
      'error',
      (event) => {
        event.preventDefault();
        resolve(event);
      },
      { once: true },
    );
  });
  return { worker, failed };
}

export function spawnWebLLMWorker(): Worker {
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
}

/** The demo engine's workers, each told its script first. */
export function scriptedWorkers(script: Partial<Script>): () => Worker {
  let failure = script.failure ?? null;
  return () => {
    const worker = new Worker(new URL('./scripted-worker.ts', import.meta.url), { type: 'module' });
    // An injected failure happens once per page, not once per worker: the worker that replaces
    // a failed one must succeed, as a retry after a transient fault would.
    const configure: ConfigureScriptMessage = { kind: 'hearth.configureScript', script: { ...script, failure } };
    failure = null;
    worker.postMessage(configure);
    return worker;
  };
}
