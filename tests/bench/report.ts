/**
 * How benchmarks report: each bench file measures its figures *and the baseline they are
 * compared with* in the same run, then calls `report`. The table goes to stdout; all results
 * are merged into bench-results.json at the project root.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BenchRow {
  /** What was measured, e.g. "render cost per token, end of answer". */
  metric: string;
  value: number;
  unit: string;
  /** The figure it is compared with, measured in the same run. */
  baseline?: { label: string; value: number };
  /** A goal from the issue, e.g. "< 50 ms". Informational: benchmarks never fail a build. */
  target?: string;
}

const RESULTS = join(import.meta.dirname, '..', '..', 'bench-results.json');

function format(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3);
}

export function report(section: string, rows: BenchRow[]): void {
  const lines = rows.map((row) => {
    const baseline = row.baseline ? `${row.baseline.label}: ${format(row.baseline.value)} ${row.unit}` : '';
    const ratio = row.baseline && row.baseline.value !== 0 ? `×${(row.value / row.baseline.value).toFixed(2)}` : '';
    return [row.metric, `${format(row.value)} ${row.unit}`, baseline, ratio, row.target ?? ''];
  });
  const header = ['metric', 'value', 'baseline (same run)', 'vs baseline', 'target'];
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const render = (cells: string[]): string => cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' │ ');
  console.log(`\n■ ${section}\n${render(header)}\n${widths.map((width) => '─'.repeat(width)).join('─┼─')}\n${lines.map(render).join('\n')}\n`);

  const all: Record<string, unknown> = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, 'utf8')) : {};
  all[section] = { measuredAt: new Date().toISOString(), rows };
  writeFileSync(RESULTS, `${JSON.stringify(all, null, 2)}\n`);
}

/** Percentile of a sample (p in 0..100), nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}
