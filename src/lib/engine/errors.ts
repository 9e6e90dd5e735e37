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

/** What went wrong, and what the user can do about it. */
export function describeLoadFailure(modelId: string, error: Pick<EngineError, 'code' | 'message'>): string {
  switch (error.code) {
    case 'network':
      return `The download of ${modelId} was interrupted (network error). Retry continues where it stopped: parts already downloaded are kept.`;
    case 'quota':
      return `Not enough storage for ${modelId}. Delete downloaded models you no longer use (Models → Downloaded), or free disk space, then retry.`;
    case 'device-lost':
      return `The GPU gave up while loading ${modelId}, usually for lack of memory. Try a smaller model, or close other GPU-heavy tabs.`;
    case 'no-webgpu':
      return `${modelId} needs WebGPU features this browser does not offer: ${error.message}`;
    default:
      return `Could not load ${modelId}: ${error.message}`;
  }
}
