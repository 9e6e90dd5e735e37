/**
 * Records one trace per generation, with nested spans:
 *
 *   const trace = tracer.startTrace('chat', { messageId, info: { model, engine, sampling } });
 *   const chunks = await trace.span('retrieval', async (span) => …);
 *   const decode = trace.startSpan('decode');  …  decode.end();
 *   const record = trace.end();                // → TraceRecord, also handed to `onEnd`
 *
 * Instrumentation must never break a generation, so nothing here throws: ending twice, or
 * starting a span on an ended trace, is ignored. Nesting is explicit (`span.startSpan(…)`),
 * because browsers have no async context to carry a "current span" across awaits.
 */
import { APP_VERSION } from './version';
import { ATTR, defined, generationAttributes, resultAttributes, type GenerationInfo, type GenerationResult } from './attributes';
import { systemClock, type TraceClock } from './clock';
import { toTraceError } from './errors';
import { newSpanId, newTraceId } from './ids';
import type { AttributeValue, Attributes, RetrievedChunk, SpanRecord, TraceError, TraceRecord } from './types';

export interface TracerOptions {
  clock?: TraceClock;
  appVersion?: string;
  newTraceId?: () => string;
  newSpanId?: () => string;
  /** Called with every ended trace, e.g. to store it and queue its evaluation. */
  onEnd?: (record: TraceRecord) => void;
}

export interface TraceInit {
  messageId?: string;
  conversationId?: string;
  info?: GenerationInfo;
  attributes?: Attributes;
  prompt?: string;
  chunks?: readonly RetrievedChunk[];
}

export interface EndOptions {
  /** Ends with an error: the span (and its trace) is marked failed. */
  error?: unknown;
}

type ResolvedOptions = Required<Omit<TracerOptions, 'onEnd'>> & Pick<TracerOptions, 'onEnd'>;

export class Tracer {
  readonly #options: ResolvedOptions;

  constructor(options: TracerOptions = {}) {
    this.#options = {
      clock: options.clock ?? systemClock,
      appVersion: options.appVersion ?? APP_VERSION,
      newTraceId: options.newTraceId ?? newTraceId,
      newSpanId: options.newSpanId ?? newSpanId,
      onEnd: options.onEnd,
    };
  }

  startTrace(name = 'chat', init: TraceInit = {}): Trace {
    return new Trace(name, init, this.#options);
  }
}

interface SpanState {
  record: SpanRecord;
  open: boolean;
}

/** Spans and traces share these: attributes, children, and the `span(name, fn)` wrapper. */
abstract class SpanScope {
  abstract readonly spanId: string;
  protected abstract readonly trace: Trace;

  /** Starts a child span of this one. */
  startSpan(name: string, attributes: Attributes = {}): Span {
    return this.trace.openSpan(name, this.spanId, attributes);
  }

  /**
   * Runs `fn` inside a child span: the span ends when `fn` returns or its promise settles, and
   * is marked failed (and the error rethrown) when it throws or rejects.
   */
  span<T>(name: string, fn: (span: Span) => T, attributes: Attributes = {}): T {
    const child = this.startSpan(name, attributes);
    let result: T;
    try {
      result = fn(child);
    } catch (error) {
      child.end({ error });
      throw error;
    }
    if (isPromiseLike(result)) {
      return result.then(
        (value) => {
          child.end();
          return value;
        },
        (error: unknown) => {
          child.end({ error });
          throw error;
        },
      ) as unknown as T; // still the promise type `fn` returned, now settling after the span ends
    }
    child.end();
    return result;
  }

  abstract setAttributes(attributes: Attributes): this;

  setAttribute(key: string, value: AttributeValue | undefined): this {
    return this.setAttributes(defined({ [key]: value }));
  }
}

export class Span extends SpanScope {
  readonly #state: SpanState;
  protected readonly trace: Trace;

  constructor(trace: Trace, state: SpanState) {
    super();
    this.trace = trace;
    this.#state = state;
  }

  get spanId(): string {
    return this.#state.record.spanId;
  }

  get name(): string {
    return this.#state.record.name;
  }

  get ended(): boolean {
    return !this.#state.open;
  }

  setAttributes(attributes: Attributes): this {
    if (this.#state.open) Object.assign(this.#state.record.attributes, defined(attributes));
    return this;
  }

  /** Marks the span failed without ending it; the trace is marked failed too. */
  fail(error: unknown): this {
    if (!this.#state.open) return this;
    const info = toTraceError(error);
    this.#state.record.status = 'error';
    this.#state.record.error = info;
    this.trace.markFailed(info);
    return this;
  }

  end(options: EndOptions = {}): void {
    if (!this.#state.open) return;
    if (options.error !== undefined) this.fail(options.error);
    else if (this.#state.record.status === 'unset') this.#state.record.status = 'ok';
    this.#state.record.endTime = this.trace.timeNow();
    this.#state.open = false;
  }
}

export class Trace extends SpanScope {
  readonly traceId: string;
  readonly spanId: string;
  protected readonly trace: Trace = this;

  readonly #options: ResolvedOptions;
  readonly #name: string;
  readonly #monoStart: number;
  readonly #wallStart: number;
  readonly #spans: SpanState[] = [];
  readonly #attributes: Attributes;
  #messageId: string | undefined;
  #conversationId: string | undefined;
  #prompt: string;
  #completion = '';
  #chunks: RetrievedChunk[] | undefined;
  #error: TraceError | undefined;
  #record: TraceRecord | null = null;

  constructor(name: string, init: TraceInit, options: ResolvedOptions) {
    super();
    this.#options = options;
    this.#name = name;
    this.traceId = options.newTraceId();
    this.spanId = options.newSpanId();
    this.#monoStart = options.clock.now();
    this.#wallStart = options.clock.wall?.() ?? this.#monoStart;
    this.#messageId = init.messageId;
    this.#conversationId = init.conversationId;
    this.#prompt = init.prompt ?? '';
    this.#chunks = init.chunks ? [...init.chunks] : undefined;
    this.#attributes = {
      [ATTR.appVersion]: options.appVersion,
      ...(init.info ? generationAttributes(init.info) : {}),
      ...defined(init.attributes ?? {}),
    };
  }

  get ended(): boolean {
    return this.#record !== null;
  }

  /** Milliseconds since the trace started, by the monotonic clock. */
  get elapsedMs(): number {
    return this.#options.clock.now() - this.#monoStart;
  }

  setAttributes(attributes: Attributes): this {
    if (!this.ended) Object.assign(this.#attributes, defined(attributes));
    return this;
  }

  /** Model, engine, persona, template and sampling, when they were not known at the start. */
  setGeneration(info: GenerationInfo): this {
    return this.setAttributes(generationAttributes(info));
  }

  /** Usage, timings, finish reason and cache hit, as the engine reported them. */
  setResult(result: GenerationResult): this {
    return this.setAttributes(resultAttributes(result));
  }

  /** Links the trace to its answer, e.g. once the message exists. */
  setMessage(messageId: string, conversationId?: string): this {
    if (this.ended) return this;
    this.#messageId = messageId;
    if (conversationId !== undefined) this.#conversationId = conversationId;
    return this;
  }

  setContent(content: { prompt?: string; completion?: string; chunks?: readonly RetrievedChunk[] }): this {
    if (this.ended) return this;
    if (content.prompt !== undefined) this.#prompt = content.prompt;
    if (content.completion !== undefined) this.#completion = content.completion;
    if (content.chunks !== undefined) this.#chunks = [...content.chunks];
    return this;
  }

  /** Marks the trace failed; the first error recorded is the one reported. */
  fail(error: unknown): this {
    if (!this.ended) this.markFailed(toTraceError(error));
    return this;
  }

  /**
   * Ends the trace and returns its record. Spans still open are closed at this moment and
   * flagged `hearth.span.unfinished`; ending again returns the same record.
   */
  end(options: EndOptions & { completion?: string; result?: GenerationResult } = {}): TraceRecord {
    if (this.#record) return this.#record;
    if (options.completion !== undefined) this.#completion = options.completion;
    if (options.result) this.setResult(options.result);
    if (options.error !== undefined) this.fail(options.error);
    const endTime = this.timeNow();
    for (const span of this.#spans) {
      if (!span.open) continue;
      span.open = false;
      span.record.endTime = endTime;
      span.record.attributes[ATTR.unfinished] = true;
    }
    if (this.#error) this.#attributes[ATTR.errorType] = this.#error.code;
    const record: TraceRecord = {
      traceId: this.traceId,
      spanId: this.spanId,
      name: this.#name,
      ...(this.#messageId !== undefined ? { messageId: this.#messageId } : {}),
      ...(this.#conversationId !== undefined ? { conversationId: this.#conversationId } : {}),
      startTime: this.#wallStart,
      endTime,
      status: this.#error ? 'error' : 'ok',
      ...(this.#error ? { error: this.#error } : {}),
      attributes: {
        ...this.#attributes,
        ...(this.#messageId !== undefined ? { [ATTR.messageId]: this.#messageId } : {}),
        ...(this.#conversationId !== undefined ? { [ATTR.conversationId]: this.#conversationId } : {}),
      },
      spans: this.#spans.map(({ record: span }) => ({ ...span, attributes: { ...span.attributes } })),
      prompt: this.#prompt,
      completion: this.#completion,
      ...(this.#chunks ? { chunks: this.#chunks } : {}),
    };
    this.#record = record;
    try {
      this.#options.onEnd?.(record);
    } catch {
      // A failing listener must not turn a finished generation into a failed one.
    }
    return record;
  }

  /** @internal Used by spans. */
  openSpan(name: string, parentSpanId: string, attributes: Attributes): Span {
    const now = this.timeNow();
    const state: SpanState = {
      record: { spanId: this.#options.newSpanId(), parentSpanId, name, startTime: now, endTime: now, status: 'unset', attributes: defined(attributes) },
      // A span started after the trace ended is handed out (callers need not check) but never recorded.
      open: !this.ended,
    };
    if (state.open) this.#spans.push(state);
    return new Span(this, state);
  }

  /** @internal Used by spans. */
  markFailed(error: TraceError): void {
    this.#error ??= error;
  }

  /** @internal Wall-clock time derived from the monotonic clock. */
  timeNow(): number {
    return this.#wallStart + (this.#options.clock.now() - this.#monoStart);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

