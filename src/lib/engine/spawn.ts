/**
 * Starting the engine workers, kept apart from WebLLM's client (webllm.ts): a worker parses
 * megabytes of code, and so does the client on the main thread. Started first, the worker does
 * its share while the client loads, instead of after it.
 */
import type { EngineKind } from './protocol';
import { scriptFromSearchParams, type Script } from './scripted';
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

/** A worker started before the engine asked for one, with how to start the next. */
export interface EarlyWorker {
  kind: EngineKind;
  spawn: () => Worker;
  first: StartedWorker;
}

let early: EarlyWorker | null = null;

/**
 * When the address asks for the demo engine, starts its worker at once, while the app's own
 * code is still evaluating: the worker's script (WebLLM's handler and the script) then loads
 * beside the app's start-up instead of after storage, settings and the conversation list are read.
 * Other engines depend on stored settings and a cached model, so they start when those are known.
 */
export function startEarly(search: string): void {
  const params = new URLSearchParams(search);
  if (params.get('engine') !== 'scripted' || early) return;
  const spawn = scriptedWorkers(scriptFromSearchParams(params));
  early = { kind: 'scripted', spawn, first: started(spawn()) };
  // WebLLM's client and the demo's model cache, fetched now too: the engine's own imports find them ready.
  void import('./webllm');
  void import('./cache-scripted');
  void import('virtual:model-catalog');
}

/** The early worker, if one of `kind` was started; only the first call gets it. */
export function claimEarlyWorker(kind: EngineKind): EarlyWorker | null {
  if (early?.kind !== kind) return null;
  const claimed = early;
  early = null;
  return claimed;
}

/** Ends an early worker nobody claimed (the engine loads no worker model after all). */
export function discardEarlyWorker(): void {
  early?.first.worker.terminate();
  early = null;
}
