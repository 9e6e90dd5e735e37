/**
 * The shapes the observability layer records, stores and exports. A trace is one generation:
 * a root span (the fields on `TraceRecord` itself) and the spans nested under it.
 *
 * Times are wall-clock epoch milliseconds with a fractional part: each trace takes one wall
 * reading at its start and measures everything else with the monotonic clock, so durations are
 * exact even when the system clock steps.
 */

/** What OpenTelemetry allows as an attribute value (arrays are homogeneous). */
export type AttributeValue = string | number | boolean | readonly string[] | readonly number[] | readonly boolean[];

export type Attributes = Record<string, AttributeValue>;

/** OpenTelemetry's three span statuses: a span that was never marked stays 'unset'. */
export type SpanStatus = 'unset' | 'ok' | 'error';

export interface TraceError {
  /** A stable code: an `EngineError` code, otherwise the error's name. */
  code: string;
  message: string;
}

export interface SpanRecord {
  /** 8 bytes as 16 lowercase hex digits. */
  spanId: string;
  /** Every recorded span has a parent inside its trace: the root span or another span. */
  parentSpanId: string;
  name: string;
  startTime: number;
  endTime: number;
  status: SpanStatus;
  error?: TraceError;
  attributes: Attributes;
}

/** A retrieved passage the answer may draw on (what the groundedness evaluator checks against). */
export interface RetrievedChunk {
  id: string;
  text: string;
  /** Where it came from, e.g. a file name. */
  source?: string;
  /** The retriever's own score, if it has one. */
  score?: number;
}

export type Rating = 'up' | 'down';

/** The user's verdict on one answer. Giving feedback again replaces it. */
export interface Feedback {
  rating: Rating;
  comment?: string;
  /** Wall-clock ms when it was given. */
  at: number;
}

/** What an evaluator returns. `score` is 0..1 (higher is better) or null when it cannot judge. */
export interface EvalScore {
  name: string;
  score: number | null;
  /** JSON-safe explanation of the score; never raw PII (see eval/pii.ts). */
  details: Readonly<Record<string, unknown>>;
}

/** An evaluator's result as stored on a trace. */
export interface EvalResult extends EvalScore {
  /** The evaluator's algorithm version, so results of an older algorithm can be recomputed. */
  version: number;
  /** Wall-clock ms when it ran. */
  at: number;
}

export interface TraceRecord {
  /** 16 bytes as 32 lowercase hex digits. */
  traceId: string;
  /** The root span's id. */
  spanId: string;
  name: string;
  /** The answer this trace produced (ChatMessage.id), when there is one. */
  messageId?: string;
  conversationId?: string;
  startTime: number;
  endTime: number;
  /** 'ok' or 'error' once ended. */
  status: SpanStatus;
  error?: TraceError;
  /** The generation's attributes (model, engine, settings, usage, timings; see attributes.ts). */
  attributes: Attributes;
  /** Child spans in the order they started. */
  spans: SpanRecord[];
  /** The user's message as typed (searched, and what relevance is judged against). */
  prompt: string;
  /** The answer text as it ended. */
  completion: string;
  /** Passages retrieved for this answer, if any. */
  chunks?: RetrievedChunk[];
  feedback?: Feedback;
  /** Latest result per evaluator name. */
  evals?: Record<string, EvalResult>;
}
