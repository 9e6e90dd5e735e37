import { EngineError, type EngineErrorCode } from './protocol';

/**
 * WebLLM's worker turns every failure into a string (`err.toString()`), so the only way to tell
 * a lost network from a full disk is the text. The patterns cover WebLLM's, the browser's and
 * WebGPU's own wording.
 */
const PATTERNS: ReadonlyArray<[RegExp, EngineErrorCode]> = [
  [/QuotaExceeded|quota|storage is full|no space/i, 'quota'],
  [/device (was )?lost|DeviceLost|GPUDevice.*lost/i, 'device-lost'],
  [/navigator\.gpu|WebGPU is not|no (WebGPU )?adapter|requestAdapter|WebGPUNotAvailable|WebGPU not/i, 'no-webgpu'],
  [/Failed to fetch|NetworkError|network|ERR_INTERNET|Load failed|fetch failed|status(?: code)? 40[34]|HTTP/i, 'network'],
];

export function engineErrorFrom(error: unknown, stage: 'load' | 'generate'): EngineError {
  if (error instanceof EngineError) return error;
  const text = errorText(error);
  const code = PATTERNS.find(([pattern]) => pattern.test(text))?.[1] ?? (stage === 'load' ? 'load-failed' : 'generation-failed');
  return new EngineError(code, text, { cause: error });
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  if (typeof error === 'string') return error.replace(/^Error:\s*/, '');
  return 'Unknown engine error';
}
