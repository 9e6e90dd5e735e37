/**
 * What the trace list, the trace view, the leaderboard and the message thumbs display, and the
 * actions they dispatch. Owns the tracer: a trace that ends is stored and queued for
 * evaluation, and open views refresh. Components only read these fields and call these methods.
 */
import { TRACE_PAGE_SIZE } from '../config';
import type { Evaluator } from './eval/types';
import { leaderboard, sortLeaderboard, type Leaderboard, type LeaderboardColumn, type LeaderboardRow, type LeaderboardSort } from './leaderboard';
import type { OtlpOptions } from './otlp';
import type { TraceFacets, TracePage, TraceQuery } from './query';
import { EvalRunner, type EvalRunnerOptions } from './runner';
import type { ScrubOptions } from './scrub';
import type { ImportResult, TraceRepository } from './store';
import { Tracer, type TracerOptions } from './tracer';
import type { Feedback, Rating, TraceRecord } from './types';

export interface ObservabilityDeps {
  repo: TraceRepository;
  tracer?: Omit<TracerOptions, 'onEnd'>;
  runner?: Omit<EvalRunnerOptions, 'repo' | 'onEvaluated' | 'onError'>;
  pageSize?: number;
  /** Background work failed (storing a trace, evaluating it). */
  onError?: (error: unknown) => void;
}

export interface EvaluationProgress {
  running: boolean;
  done: number;
  total: number;
  cancelled: boolean;
}

export interface TraceExportOptions extends ScrubOptions {
  /** Only the traces matching this query; all traces by default. */
  query?: TraceQuery;
}

const EMPTY_FACETS: TraceFacets = { models: [], appVersions: [], templates: [] };

export class Observability {
  /** The list's current search and filters. */
  query: TraceQuery = $state.raw({});
  page: TracePage = $state.raw({ items: [], total: 0, offset: 0, limit: TRACE_PAGE_SIZE });
  facets: TraceFacets = $state.raw(EMPTY_FACETS);
  loading = $state(false);
  /** The trace open in the trace view. */
  selected: TraceRecord | null = $state.raw(null);
  board: Leaderboard = $state.raw({ rows: [], evalNames: [] });
  sort: LeaderboardSort = $state.raw({ column: 'answers', direction: 'desc' });
  evaluation: EvaluationProgress = $state.raw({ running: false, done: 0, total: 0, cancelled: false });

  readonly rows: LeaderboardRow[] = $derived(sortLeaderboard(this.board.rows, this.sort));

  readonly tracer: Tracer;
  readonly runner: EvalRunner;
  readonly #repo: TraceRepository;
  readonly #pageSize: number;
  readonly #onError: (error: unknown) => void;
  #listShown = false;
  #boardShown = false;
  #evaluation: AbortController | null = null;
  readonly #pending = new Set<Promise<void>>();

  constructor(deps: ObservabilityDeps) {
    this.#repo = deps.repo;
    this.#pageSize = deps.pageSize ?? TRACE_PAGE_SIZE;
    this.#onError = deps.onError ?? ((error) => console.error('Observability', error));
    this.tracer = new Tracer({
      ...deps.tracer,
      onEnd: (record) => {
        const stored = this.record(record).finally(() => this.#pending.delete(stored));
        this.#pending.add(stored);
      },
    });
    this.runner = new EvalRunner({
      ...deps.runner,
      repo: deps.repo,
      onEvaluated: (record) => this.#changed(record),
      onError: this.#onError,
    });
  }

  /** Stores an ended trace, queues its evaluation and refreshes what is shown. Never throws. */
  async record(record: TraceRecord): Promise<void> {
    try {
      await this.#repo.save(record);
    } catch (error) {
      this.#onError(error);
      return;
    }
    this.runner.enqueue(record.traceId);
    await this.#refreshShown();
  }

  /** Resolves once every ended trace is stored (feedback needs its trace there). */
  async stored(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  /** Resolves once every ended trace is stored and the background evaluations are done. */
  async settled(): Promise<void> {
    await this.stored();
    await this.runner.whenIdle();
  }

  // ── Trace list ────────────────────────────────────────────────────────────

  /** Runs a search from its first page. */
  async search(query: TraceQuery = this.query): Promise<void> {
    this.query = query;
    this.#listShown = true;
    await this.#loadPage(0);
  }

  async goToPage(offset: number): Promise<void> {
    await this.#loadPage(Math.max(0, Math.min(offset, Math.max(0, this.page.total - 1))));
  }

  get hasNextPage(): boolean {
    return this.page.offset + this.page.limit < this.page.total;
  }

  get hasPreviousPage(): boolean {
    return this.page.offset > 0;
  }

  async nextPage(): Promise<void> {
    if (this.hasNextPage) await this.#loadPage(this.page.offset + this.page.limit);
  }

  async previousPage(): Promise<void> {
    if (this.hasPreviousPage) await this.#loadPage(Math.max(0, this.page.offset - this.page.limit));
  }

  async #loadPage(offset: number): Promise<void> {
    this.loading = true;
    try {
      const [page, facets] = await Promise.all([this.#repo.list(this.query, offset, this.#pageSize), this.#repo.facets()]);
      this.page = page;
      this.facets = facets;
    } finally {
      this.loading = false;
    }
  }

  // ── One trace ─────────────────────────────────────────────────────────────

  async open(traceId: string): Promise<TraceRecord | null> {
    this.selected = (await this.#repo.get(traceId)) ?? null;
    return this.selected;
  }

  /** Opens the trace behind an answer ("Trace" on a message). */
  async openForMessage(messageId: string): Promise<TraceRecord | null> {
    this.selected = (await this.#repo.getByMessage(messageId)) ?? null;
    return this.selected;
  }

  close(): void {
    this.selected = null;
  }

  // ── Feedback ──────────────────────────────────────────────────────────────

  /** Rates an answer; rating it again replaces the earlier rating. False when the answer has no trace. */
  async setFeedback(messageId: string, rating: Rating, comment?: string): Promise<boolean> {
    const record = await this.#repo.setFeedback({ messageId }, { rating, ...(comment !== undefined ? { comment } : {}) });
    if (record) this.#changed(record);
    return record !== undefined;
  }

  async clearFeedback(messageId: string): Promise<void> {
    const record = await this.#repo.setFeedback({ messageId }, null);
    if (record) this.#changed(record);
  }

  /** The ratings of a conversation's answers, by message id. */
  feedbackFor(messageIds: readonly string[]): Promise<Map<string, Feedback>> {
    return this.#repo.feedbackFor(messageIds);
  }

  // ── Leaderboard ───────────────────────────────────────────────────────────

  async loadLeaderboard(): Promise<void> {
    this.#boardShown = true;
    this.board = leaderboard(await this.#repo.all());
  }

  /** Sorts by a column; choosing the same column again flips the direction. Text columns start ascending, figures descending. */
  sortBy(column: LeaderboardColumn): void {
    const ascendingFirst = column === 'appVersion' || column === 'model' || column === 'template' || column === 'medianTtftMs';
    this.sort =
      this.sort.column === column
        ? { column, direction: this.sort.direction === 'asc' ? 'desc' : 'asc' }
        : { column, direction: ascendingFirst ? 'asc' : 'desc' };
  }

  /** Click-through: lists a row's traces. */
  async showRow(row: LeaderboardRow): Promise<void> {
    await this.search({ traceIds: row.traceIds });
  }

  // ── Evaluation ────────────────────────────────────────────────────────────

  /**
   * Evaluates past traces with progress (in `evaluation`); `cancelEvaluation` stops it. Pass
   * `judgeEvaluator(complete)` among `evaluators` to include the LLM judge.
   */
  async evaluatePast(options: { evaluators?: readonly Evaluator[]; onlyMissing?: boolean; traceIds?: readonly string[] } = {}): Promise<void> {
    if (this.#evaluation) return;
    const abort = new AbortController();
    this.#evaluation = abort;
    this.evaluation = { running: true, done: 0, total: 0, cancelled: false };
    try {
      const result = await this.runner.runOver({
        ...options,
        signal: abort.signal,
        onProgress: ({ done, total }) => (this.evaluation = { running: true, done, total, cancelled: false }),
      });
      this.evaluation = { running: false, done: result.done, total: result.total, cancelled: result.cancelled };
    } catch (error) {
      this.evaluation = { ...this.evaluation, running: false };
      throw error;
    } finally {
      this.#evaluation = null;
      await this.#refreshShown();
    }
  }

  cancelEvaluation(): void {
    this.#evaluation?.abort();
  }

  // ── Export, import, delete ────────────────────────────────────────────────
  // The export formats and the import's checks load when first used, not with the app.

  /** Hearth's JSON export as text (secrets stripped; personal data too with `redactPii`). */
  async exportJson(options: TraceExportOptions = {}): Promise<string> {
    const { exportTraces } = await import('./exchange');
    return JSON.stringify(exportTraces(await this.#exported(options.query), options), null, 2);
  }

  /** OTLP/JSON as text, for OpenTelemetry tools. */
  async exportOtlp(options: TraceExportOptions & OtlpOptions = {}): Promise<string> {
    const { toOtlp } = await import('./otlp');
    return JSON.stringify(toOtlp(await this.#exported(options.query), options));
  }

  /** Imports a Hearth JSON export; throws `TraceImportError` (and writes nothing) when the file is not valid. */
  async importJson(text: string): Promise<ImportResult> {
    const { parseTraceExport } = await import('./exchange');
    const result = await this.#repo.importTraces(parseTraceExport(text));
    await this.#refreshShown();
    return result;
  }

  async deleteTraces(traceIds: readonly string[]): Promise<void> {
    await this.#repo.delete(traceIds);
    if (this.selected && traceIds.includes(this.selected.traceId)) this.selected = null;
    await this.#refreshShown();
  }

  async clearAll(): Promise<void> {
    await this.#repo.clear();
    this.selected = null;
    await this.#refreshShown();
  }

  async #exported(query: TraceQuery | undefined): Promise<TraceRecord[]> {
    return query ? (await this.#repo.list(query, 0, Number.MAX_SAFE_INTEGER)).items : this.#repo.all();
  }

  /** A stored trace changed (feedback, evaluation): update it wherever it is shown. */
  #changed(record: TraceRecord): void {
    if (this.selected?.traceId === record.traceId) this.selected = record;
    if (this.page.items.some((item) => item.traceId === record.traceId)) {
      this.page = { ...this.page, items: this.page.items.map((item) => (item.traceId === record.traceId ? record : item)) };
    }
    if (this.#boardShown) void this.loadLeaderboard().catch(this.#onError);
  }

  async #refreshShown(): Promise<void> {
    try {
      await Promise.all([this.#listShown ? this.#loadPage(this.page.offset) : null, this.#boardShown ? this.loadLeaderboard() : null]);
      if (this.selected) this.selected = (await this.#repo.get(this.selected.traceId)) ?? null;
    } catch (error) {
      this.#onError(error);
    }
  }
}
