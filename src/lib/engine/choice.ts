import type { EngineKind } from './protocol';
import { scriptFromSearchParams, type Script } from './scripted';

export interface EngineChoice {
  kind: EngineKind;
  /** Why this engine: shown in the UI so the demo engine is never a surprise. */
  source: 'url' | 'setting' | 'default';
  script: Partial<Script>;
}

/** `?engine=scripted|webllm` wins for this visit; otherwise the stored setting; otherwise WebLLM. */
export function chooseEngine(search: string, stored: EngineKind | null): EngineChoice {
  const params = new URLSearchParams(search);
  const fromUrl = params.get('engine');
  const script = scriptFromSearchParams(params);
  if (fromUrl === 'scripted' || fromUrl === 'webllm') return { kind: fromUrl, source: 'url', script };
  if (stored) return { kind: stored, source: 'setting', script };
  return { kind: 'webllm', source: 'default', script };
}
