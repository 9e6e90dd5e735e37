/**
 * Turns an engine's raw progress reports into what a user wants to know: which step it is on,
 * how many bytes of how many, how fast, and how long is left.
 *
 * WebLLM reports one line of text and a fraction per event, e.g.
 *   "Fetching param cache[3/24]: 120MB fetched. 12% completed, 9 secs elapsed. …"
 *   "Loading model from cache[5/24]: 310MB loaded. 40% completed, 2 secs elapsed."
 *   "Loading GPU shader modules[12/80]: 15% completed, 1 secs elapsed."
 *   "Finish loading on WebGPU - apple"
 * The fraction restarts at 0 in every phase; the text says which phase it is.
 */
import type { LoadProgress } from './protocol';

export type LoadPhase = 'preparing' | 'downloading' | 'loading' | 'compiling' | 'ready';

export interface ParsedProgress {
  phase: LoadPhase;
  /** [done, total] shards or shader modules. */
  step: [number, number] | null;
  /** Megabytes fetched or loaded so far, as the text says (rounded up by WebLLM). */
  megabytes: number | null;
}

const PATTERNS: ReadonlyArray<[RegExp, LoadPhase]> = [
  [/^Fetching param cache\[(\d+)\/(\d+)\]: (\d+)MB fetched/, 'downloading'],
  [/^Loading model from cache\[(\d+)\/(\d+)\]: (\d+)MB loaded/, 'loading'],
  [/^Loading GPU shader modules\[(\d+)\/(\d+)\]/, 'compiling'],
  [/^Finish loading/, 'ready'],
];

export function parseProgressText(text: string): ParsedProgress {
  for (const [pattern, phase] of PATTERNS) {
    const match = pattern.exec(text);
    if (!match) continue;
    const step: [number, number] | null = match[1] && match[2] ? [Number(match[1]), Number(match[2])] : null;
    return { phase, step, megabytes: match[3] ? Number(match[3]) : null };
  }
  return { phase: 'preparing', step: null, megabytes: null };
}

export interface LoadStatus {
  phase: LoadPhase;
  /** Progress within the current phase, 0..1. */
  phaseFraction: number;
  /** Progress of the whole load, 0..1 (phases weighted by how long they usually take). */
  overallFraction: number;
  loadedBytes: number | null;
  totalBytes: number | null;
  bytesPerSecond: number | null;
  etaSeconds: number | null;
  elapsedMs: number;
  step: [number, number] | null;
  /** The engine's own words, for the curious. */
  text: string;
  /** True when the weights came from the browser cache (no download this time). */
  fromCache: boolean;
}

const MB = 1024 * 1024;
/** Smoothing for the rate: new samples count this much, so one slow shard does not swing the ETA. */
const RATE_SMOOTHING = 0.3;
/** Shorter intervals are merged with the next: MB-rounded byte counts are too coarse to divide by tiny times. */
const MIN_SAMPLE_MS = 250;

/** Where each phase sits in the overall bar, with and without a download. */
const SPANS: Record<'download' | 'cached', Partial<Record<LoadPhase, [number, number]>>> = {
  download: { preparing: [0, 0.02], downloading: [0.02, 0.85], loading: [0.85, 0.92], compiling: [0.92, 1], ready: [1, 1] },
  cached: { preparing: [0, 0.05], loading: [0.05, 0.6], compiling: [0.6, 1], ready: [1, 1] },
};

export class LoadTracker {
  #downloaded = false;
  #lastSample: { bytes: number; at: number } | null = null;
  #rate: number | null = null;
  #status: LoadStatus | null = null;

  update(progress: LoadProgress, now: number): LoadStatus {
    const parsed = parseProgressText(progress.text);
    // Some lines (tokenizer, config) carry no phase of their own: they belong to the current one.
    const phase = progress.phase ?? (parsed.phase === 'preparing' && this.#status ? this.#status.phase : parsed.phase);
    if (phase === 'downloading') this.#downloaded = true;
    const phaseFraction = clamp(progress.fraction);

    let loadedBytes: number | null = null;
    let totalBytes: number | null = null;
    if (progress.loadedBytes !== undefined) {
      loadedBytes = progress.loadedBytes;
      totalBytes = progress.totalBytes ?? null;
    } else if (parsed.megabytes !== null) {
      loadedBytes = parsed.megabytes * MB;
      // WebLLM's fraction is exact (bytes / total bytes); the MB figure is rounded, so derive the total from both.
      if (phaseFraction > 0) totalBytes = Math.max(loadedBytes, Math.round(loadedBytes / phaseFraction));
    } else if (this.#status && phase === this.#status.phase) {
      loadedBytes = this.#status.loadedBytes;
      totalBytes = this.#status.totalBytes;
    }

    if (phase === 'downloading' && loadedBytes !== null) this.#sampleRate(loadedBytes, now);
    const downloading = phase === 'downloading';
    const bytesPerSecond = downloading ? this.#rate : null;
    const etaSeconds =
      downloading && bytesPerSecond && bytesPerSecond > 0 && totalBytes !== null && loadedBytes !== null
        ? Math.max(0, (totalBytes - loadedBytes) / bytesPerSecond)
        : null;

    const [start, end] = SPANS[this.#downloaded ? 'download' : 'cached'][phase] ?? [0, 1];
    const overallFraction = Math.max(this.#status?.overallFraction ?? 0, start + (end - start) * phaseFraction);
    this.#status = {
      phase,
      phaseFraction,
      overallFraction: phase === 'ready' ? 1 : Math.min(overallFraction, 0.999),
      loadedBytes,
      totalBytes,
      bytesPerSecond,
      etaSeconds,
      elapsedMs: progress.elapsedMs,
      step: parsed.step,
      text: progress.text,
      fromCache: !this.#downloaded,
    };
    return this.#status;
  }

  #sampleRate(bytes: number, now: number): void {
    const last = this.#lastSample;
    if (!last || bytes < last.bytes) {
      this.#lastSample = { bytes, at: now };
      return;
    }
    const elapsed = now - last.at;
    if (elapsed < MIN_SAMPLE_MS) return;
    const rate = ((bytes - last.bytes) / elapsed) * 1000;
    this.#rate = this.#rate === null ? rate : this.#rate + RATE_SMOOTHING * (rate - this.#rate);
    this.#lastSample = { bytes, at: now };
  }
}

function clamp(fraction: number): number {
  return Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
}

/** "about 2 min left", "about 40 s left", "a few seconds left". */
export function formatEta(seconds: number): string {
  if (seconds < 5) return 'a few seconds left';
  if (seconds < 90) return `about ${Math.round(seconds / 5) * 5} s left`;
  if (seconds < 3600) return `about ${Math.round(seconds / 60)} min left`;
  const hours = Math.floor(seconds / 3600);
  return `about ${hours} h ${Math.round((seconds - hours * 3600) / 60)} min left`;
}

export const PHASE_LABELS: Record<Exclude<LoadPhase, 'ready'>, string> = {
  preparing: 'Preparing',
  downloading: 'Downloading weights',
  loading: 'Loading to GPU',
  compiling: 'Compiling shaders',
};
