/**
 * Search and filters over traces, as the trace list uses them. Pure: the repository loads the
 * records and pages the result (IndexedDB has no full-text index, and a few thousand traces
 * filter in a few milliseconds).
 */
import { traceAppVersion, traceEngine, traceModel, traceTemplateId, traceTemplateVersion, ATTR } from './attributes';
import type { Rating, TraceRecord } from './types';

export type FeedbackFilter = Rating | 'rated' | 'unrated';

export interface TraceQuery {
  /** Words (or "quoted phrases") that must all appear in the prompt, completion, model, engine, persona or template. */
  text?: string;
  model?: string;
  appVersion?: string;
  templateId?: string;
  /** Compared as text: 3 and "3" are the same version. */
  templateVersion?: string | number;
  feedback?: FeedbackFilter;
  status?: 'ok' | 'error';
  /** Started at or after this wall-clock ms. */
  from?: number;
  /** Started before this wall-clock ms. */
  to?: number;
  /** Only these traces (a leaderboard row's click-through). */
  traceIds?: readonly string[];
}

export interface TracePage {
  items: TraceRecord[];
  /** How many traces match in all. */
  total: number;
  offset: number;
  limit: number;
}

/** Case- and accent-insensitive: "Cafe" finds "café". */
const fold = (text: string): string => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

function terms(text: string): string[] {
  return [...fold(text).matchAll(/"([^"]+)"|(\S+)/g)].map((match) => (match[1] ?? match[2] ?? '').trim()).filter(Boolean);
}

export function matchesQuery(record: TraceRecord, query: TraceQuery): boolean {
  if (query.model !== undefined && traceModel(record) !== query.model) return false;
  if (query.appVersion !== undefined && traceAppVersion(record) !== query.appVersion) return false;
  if (query.templateId !== undefined && traceTemplateId(record) !== query.templateId) return false;
  if (query.templateVersion !== undefined && traceTemplateVersion(record) !== String(query.templateVersion)) return false;
  if (query.status !== undefined && record.status !== query.status) return false;
  if (query.from !== undefined && record.startTime < query.from) return false;
  if (query.to !== undefined && record.startTime >= query.to) return false;
  if (query.traceIds !== undefined && !query.traceIds.includes(record.traceId)) return false;
  if (query.feedback !== undefined) {
    const rating = record.feedback?.rating;
    const ok = query.feedback === 'rated' ? rating !== undefined : query.feedback === 'unrated' ? rating === undefined : rating === query.feedback;
    if (!ok) return false;
  }
  if (query.text?.trim()) {
    const haystack = fold(
      [
        record.prompt,
        record.completion,
        traceModel(record),
        traceEngine(record),
        traceTemplateId(record),
        traceTemplateVersion(record),
        record.attributes[ATTR.persona],
      ]
        .filter((part) => part !== undefined)
        .join('\n'),
    );
    if (!terms(query.text).every((term) => haystack.includes(term))) return false;
  }
  return true;
}

/** Newest first (ties by id, so pages are stable), then one page. */
export function searchTraces(records: readonly TraceRecord[], query: TraceQuery = {}, offset = 0, limit = 50): TracePage {
  const matching = records.filter((record) => matchesQuery(record, query)).sort(newestFirst);
  const start = Math.max(0, Math.floor(offset));
  const size = Math.max(1, Math.floor(limit));
  return { items: matching.slice(start, start + size), total: matching.length, offset: start, limit: size };
}

export function newestFirst(a: TraceRecord, b: TraceRecord): number {
  return b.startTime - a.startTime || (a.traceId < b.traceId ? -1 : 1);
}

/** The values the list's filter menus offer. */
export interface TraceFacets {
  models: string[];
  appVersions: string[];
  templates: Array<{ id: string; version: string | undefined }>;
}

export function facetsOf(records: readonly TraceRecord[]): TraceFacets {
  const models = new Set<string>();
  const appVersions = new Set<string>();
  const templates = new Map<string, { id: string; version: string | undefined }>();
  for (const record of records) {
    const model = traceModel(record);
    if (model !== undefined) models.add(model);
    const version = traceAppVersion(record);
    if (version !== undefined) appVersions.add(version);
    const id = traceTemplateId(record);
    if (id !== undefined) {
      const templateVersion = traceTemplateVersion(record);
      templates.set(JSON.stringify([id, templateVersion]), { id, version: templateVersion });
    }
  }
  const sorted = (values: Set<string>) => [...values].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  return {
    models: sorted(models),
    appVersions: sorted(appVersions),
    templates: [...templates.values()].sort((a, b) => a.id.localeCompare(b.id) || (a.version ?? '').localeCompare(b.version ?? '', undefined, { numeric: true })),
  };
}
