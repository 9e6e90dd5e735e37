import { describe, expect, test } from 'vitest';
import { LoadTracker, formatEta, parseProgressText } from '../../../src/lib/engine/progress';

/** Lines as WebLLM 0.2.86 writes them (see its tensor-cache and shader loaders). */
const REAL = {
  start: 'Start to fetch params',
  fetching: (i: number, n: number, mb: number, pct: number, secs: number) =>
    `Fetching param cache[${i}/${n}]: ${mb}MB fetched. ${pct}% completed, ${secs} secs elapsed. It can take a while when we first visit this page to populate the cache. Later refreshes will become faster.`,
  loading: (i: number, n: number, mb: number, pct: number, secs: number) =>
    `Loading model from cache[${i}/${n}]: ${mb}MB loaded. ${pct}% completed, ${secs} secs elapsed.`,
  shaders: (i: number, n: number, pct: number, secs: number) => `Loading GPU shader modules[${i}/${n}]: ${pct}% completed, ${secs} secs elapsed.`,
  done: 'Finish loading on WebGPU - nvidia',
};

describe('parseProgressText', () => {
  test('recognises each phase of WebLLM’s progress lines', () => {
    expect(parseProgressText(REAL.start)).toEqual({ phase: 'preparing', step: null, megabytes: null });
    expect(parseProgressText(REAL.fetching(3, 24, 120, 12, 9))).toEqual({ phase: 'downloading', step: [3, 24], megabytes: 120 });
    expect(parseProgressText(REAL.loading(5, 24, 310, 40, 2))).toEqual({ phase: 'loading', step: [5, 24], megabytes: 310 });
    expect(parseProgressText(REAL.shaders(12, 80, 15, 1))).toEqual({ phase: 'compiling', step: [12, 80], megabytes: null });
    expect(parseProgressText(REAL.done).phase).toBe('ready');
    expect(parseProgressText('Something WebLLM may say one day').phase).toBe('preparing');
  });
});

describe('LoadTracker', () => {
  const MB = 1024 * 1024;

  test('derives total bytes, a smoothed rate and an ETA from the download lines', () => {
    const tracker = new LoadTracker();
    tracker.update({ fraction: 0, text: REAL.start, elapsedMs: 0 }, 0);
    // 1000 MB model at a steady 10 MB/s: 100 MB per 10 s.
    let status = tracker.update({ fraction: 0.1, text: REAL.fetching(1, 10, 100, 10, 10), elapsedMs: 10_000 }, 10_000);
    expect(status.phase).toBe('downloading');
    expect(status.totalBytes).toBe(1000 * MB);
    expect(status.bytesPerSecond).toBeNull();
    status = tracker.update({ fraction: 0.2, text: REAL.fetching(2, 10, 200, 20, 20), elapsedMs: 20_000 }, 20_000);
    expect(status.bytesPerSecond).toBeCloseTo(10 * MB, -3);
    expect(status.etaSeconds).toBeCloseTo(80, 0);
    expect(status.loadedBytes).toBe(200 * MB);
    expect(status.step).toEqual([2, 10]);
    expect(status.fromCache).toBe(false);
  });

  test('the rate is smoothed: one slow interval moves the ETA, but not all the way', () => {
    const tracker = new LoadTracker();
    tracker.update({ fraction: 0.1, text: REAL.fetching(1, 10, 100, 10, 10), elapsedMs: 0 }, 0);
    tracker.update({ fraction: 0.2, text: REAL.fetching(2, 10, 200, 20, 20), elapsedMs: 0 }, 10_000);
    const slow = tracker.update({ fraction: 0.25, text: REAL.fetching(3, 10, 250, 25, 30), elapsedMs: 0 }, 30_000);
    // Raw rate of the last interval is 2.5 MB/s; smoothed it stays between that and 10 MB/s.
    expect(slow.bytesPerSecond!).toBeLessThan(10 * MB);
    expect(slow.bytesPerSecond!).toBeGreaterThan(2.5 * MB);
  });

  test('ignores intervals too short to measure and never reports a negative ETA', () => {
    const tracker = new LoadTracker();
    tracker.update({ fraction: 0.5, text: REAL.fetching(5, 10, 500, 50, 1), elapsedMs: 0 }, 0);
    expect(tracker.update({ fraction: 0.51, text: REAL.fetching(5, 10, 510, 51, 1), elapsedMs: 0 }, 50).bytesPerSecond).toBeNull();
    const end = tracker.update({ fraction: 1, text: REAL.fetching(10, 10, 1000, 100, 2), elapsedMs: 0 }, 1000);
    expect(end.etaSeconds).toBe(0);
  });

  test('overall progress only moves forward through download, GPU load and shader phases', () => {
    const tracker = new LoadTracker();
    const overall = [
      tracker.update({ fraction: 0, text: REAL.start, elapsedMs: 0 }, 0),
      tracker.update({ fraction: 0.5, text: REAL.fetching(5, 10, 500, 50, 5), elapsedMs: 0 }, 1000),
      tracker.update({ fraction: 1, text: REAL.fetching(10, 10, 1000, 100, 9), elapsedMs: 0 }, 2000),
      tracker.update({ fraction: 0.3, text: REAL.loading(3, 10, 300, 30, 10), elapsedMs: 0 }, 3000),
      tracker.update({ fraction: 0.1, text: REAL.shaders(1, 10, 10, 11), elapsedMs: 0 }, 4000),
      tracker.update({ fraction: 0.9, text: REAL.shaders(9, 10, 90, 12), elapsedMs: 0 }, 5000),
      tracker.update({ fraction: 1, text: REAL.done, elapsedMs: 0 }, 6000),
    ].map((status) => status.overallFraction);
    expect([...overall].sort((a, b) => a - b)).toEqual(overall);
    expect(overall.at(-1)).toBe(1);
    expect(overall.at(-2)).toBeLessThan(1);
  });

  test('a model already in the browser cache loads without a download, and says so', () => {
    const tracker = new LoadTracker();
    const status = tracker.update({ fraction: 0.4, text: REAL.loading(4, 10, 400, 40, 1), elapsedMs: 1000 }, 1000);
    expect(status).toMatchObject({ phase: 'loading', fromCache: true, bytesPerSecond: null, etaSeconds: null });
    expect(status.overallFraction).toBeGreaterThan(0.2);
  });
});

test('formatEta speaks in round numbers', () => {
  expect(formatEta(2)).toBe('a few seconds left');
  expect(formatEta(42)).toBe('about 40 s left');
  expect(formatEta(125)).toBe('about 2 min left');
  expect(formatEta(3 * 3600 + 600)).toBe('about 3 h 10 min left');
});
