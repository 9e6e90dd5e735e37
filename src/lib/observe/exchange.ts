/**
 * Hearth's own trace file: every trace with its spans, feedback and evaluation results, in a
 * versioned envelope. Import validates the whole file before anything is written.
 *
 *   { "format": "hearth.traces", "version": 1, "exportedAt": "2026-…Z",
 *     "app": { "name": "hearth", "version": "0.1.0" }, "traces": [TraceRecord, …] }
 */
import { scrubTrace, type ScrubOptions } from './scrub';
import type { TraceRecord } from './types';
import { validateTrace } from './validate';
import { APP_VERSION } from './version';

export const EXPORT_FORMAT = 'hearth.traces';
export const EXPORT_VERSION = 1;

export interface TraceExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  app: { name: 'hearth'; version: string };
  traces: TraceRecord[];
}

export interface ExportOptions extends ScrubOptions {
  /** Wall-clock ms to stamp the file with. */
  now?: number;
  appVersion?: string;
}

/** The export, with secrets always stripped (and personal data too, if asked). */
export function exportTraces(traces: readonly TraceRecord[], options: ExportOptions = {}): TraceExport {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date(options.now ?? Date.now()).toISOString(),
    app: { name: 'hearth', version: options.appVersion ?? APP_VERSION },
    traces: traces.map((trace) => scrubTrace(trace, options)),
  };
}

export class TraceImportError extends Error {
  override readonly name = 'TraceImportError';
}

/** Reported problems are capped, so a badly broken file gives a readable message. */
const MAX_PROBLEMS = 5;

/**
 * Parses and validates a trace export (text or already-parsed JSON). Throws `TraceImportError`
 * naming what is wrong; returns the traces only when every one of them is valid.
 */
export function parseTraceExport(input: string | unknown): TraceRecord[] {
  let data: unknown = input;
  if (typeof input === 'string') {
    try {
      data = JSON.parse(input);
    } catch {
      throw new TraceImportError('This file is not JSON, so it is not a Hearth trace export.');
    }
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data) || (data as { format?: unknown }).format !== EXPORT_FORMAT) {
    const otlp = typeof data === 'object' && data !== null && 'resourceSpans' in data;
    throw new TraceImportError(
      otlp
        ? 'This is an OpenTelemetry (OTLP) file. Hearth imports its own trace export ("Export as JSON"), not OTLP.'
        : 'This file is not a Hearth trace export.',
    );
  }
  const { version, traces } = data as { version?: unknown; traces?: unknown };
  if (typeof version !== 'number' || !Number.isInteger(version)) throw new TraceImportError('This trace export has no format version.');
  if (version > EXPORT_VERSION) throw new TraceImportError(`This trace export is version ${version}, from a newer Hearth; please update the app to import it.`);
  if (version < 1) throw new TraceImportError(`This trace export has an unknown version (${version}).`);
  if (!Array.isArray(traces)) throw new TraceImportError('This trace export has no list of traces.');

  const problems: string[] = [];
  const records = traces.map((trace, index) => validateTrace(trace, `traces[${index}]`, problems));
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_PROBLEMS).join('; ');
    const more = problems.length > MAX_PROBLEMS ? ` (and ${problems.length - MAX_PROBLEMS} more)` : '';
    throw new TraceImportError(`Nothing was imported: the file has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}: ${shown}${more}.`);
  }
  return records.filter((record): record is TraceRecord => record !== null);
}
