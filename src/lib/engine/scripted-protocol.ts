import type { Script } from './scripted';

/** The one message the scripted worker understands beyond WebLLM's own protocol. */
export interface ConfigureScriptMessage {
  kind: 'hearth.configureScript';
  script: Partial<Script>;
}

export function isConfigureScriptMessage(data: unknown): data is ConfigureScriptMessage {
  return typeof data === 'object' && data !== null && (data as { kind?: unknown }).kind === 'hearth.configureScript';
}
