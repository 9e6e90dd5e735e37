import type { EngineState } from '../engine/engine.svelte';

/** Why the composer cannot send right now, in words for its placeholder; null when it can. */
export function composerBlockedReason(state: EngineState, busyElsewhere: boolean): string | null {
  if (busyElsewhere) return 'Another chat is still answering…';
  switch (state.phase) {
    case 'ready':
      return null;
    case 'checking':
      return 'Checking this browser…';
    case 'idle':
      return 'Load a model to start chatting';
    case 'loading':
      return state.recovering ? 'Reloading the model…' : 'Loading the model…';
    case 'failed':
      return 'The model failed to load';
    case 'elsewhere':
      return 'The model is running in another tab';
    case 'released':
      return 'The model moved to another tab';
  }
}
