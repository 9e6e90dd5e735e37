/**
 * Everything the scripted worker does, as a function of how it posts messages, so the same
 * code runs in the worker and in unit tests without one.
 */
import { WebWorkerMLCEngineHandler, type MLCEngine } from '@mlc-ai/web-llm';
import catalog from 'virtual:model-catalog';
import { catalogDownloadBytes } from './gguf-catalog';
import { SCRIPTED_MODEL_BYTES, ScriptedMLCEngine, type ScriptedEnvironment } from './scripted';
import { defaultShardStore } from './scripted-cache';
import { isConfigureScriptMessage } from './scripted-protocol';

export interface ScriptedHost {
  engine: ScriptedMLCEngine;
  receive(event: unknown): void;
}

/** Catalog models "download" as many bytes as the real ones would. */
const catalogSizes = catalogDownloadBytes(catalog);

export function createScriptedHost(post: (message: unknown) => void, environment: ScriptedEnvironment = {}): ScriptedHost {
  const handler = new WebWorkerMLCEngineHandler();
  handler.postMessage = post;
  const engine = new ScriptedMLCEngine(
    {},
    {
      store: defaultShardStore(),
      sizeOf: (modelId) => catalogSizes.get(modelId) ?? SCRIPTED_MODEL_BYTES,
      ...environment,
    },
  );
  // The handler registered its progress forwarder on the MLCEngine it created; the script
  // forwards its own progress through the handler after the swap.
  engine.setInitProgressCallback((report) => handler.postMessage({ kind: 'initProgressCallback', uuid: '', content: report }));
  // The handler only calls the MLCEngine methods ScriptedMLCEngine implements; MLCEngine's
  // private GPU fields make the structural types differ, hence the cast.
  handler.engine = engine as unknown as MLCEngine;
  return {
    engine,
    receive(event) {
      const data = event instanceof MessageEvent ? event.data : event;
      if (isConfigureScriptMessage(data)) engine.configure(data.script);
      else handler.onmessage(data);
    },
  };
}
