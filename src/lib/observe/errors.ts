import type { TraceError } from './types';

/** A thrown value as a trace records it: `EngineError`s keep their code, other errors their name. */
export function toTraceError(error: unknown): TraceError {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return { code: typeof code === 'string' && code ? code : error.name || 'Error', message: error.message };
  }
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : 'error';
    return { code, message: error.message };
  }
  return { code: 'error', message: String(error) };
}
