import type { EngineKind } from './protocol';
import { scriptFromSearchParams, type Script } from './scripted';

export interface EngineChoice {
  /**
   * 'webllm': the real engines (WebLLM for MLC models, llama.cpp for GGUF, the user's endpoint for
   * `remote:` models); 'scripted': the demo.
   */
  kind: Exclude<EngineKind, 'gguf' | 'remote'>;
  /** Why this engine: shown in the UI so the demo engine is never a surprise. */
  source: 'url' | 'setting' | 'default';
  script: Partial<Script>;
  /** `?quota=<MB>`: the demo engine pretends the browser grants only this much storage. */
  simulatedQuotaBytes: number | null;
}

/** `?engine=scripted|webllm` wins for this visit; otherwise the stored setting; otherwise WebLLM. */
export function chooseEngine(search: string, stored: EngineChoice['kind'] | null): EngineChoice {
  const params = new URLSearchParams(search);
  const fromUrl = params.get('engine');
  const script = scriptFromSearchParams(params);
  const quota = Number(params.get('quota'));
  const simulatedQuotaBytes = params.has('quota') && Number.isFinite(quota) && quota >= 0 ? quota * 1024 * 1024 : null;
  const base = { script, simulatedQuotaBytes };
  if (fromUrl === 'scripted' || fromUrl === 'webllm') return { kind: fromUrl, source: 'url', ...base };
  if (stored) return { kind: stored, source: 'setting', ...base };
  return { kind: 'webllm', source: 'default', ...base };
}
