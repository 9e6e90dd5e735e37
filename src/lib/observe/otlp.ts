/**
 * Traces as OpenTelemetry OTLP/JSON (an `ExportTraceServiceRequest`), for Jaeger, Tempo,
 * Phoenix, Langfuse or any OTLP collector's file receiver:
 *
 *   resourceSpans[] (one per app version: service.name=hearth, service.version)
 *     → scopeSpans[] (scope "hearth.observe") → spans[]
 *
 * Encoding follows the OTLP JSON rules: ids as lowercase hex, times as nanosecond decimal
 * strings, 64-bit integers as decimal strings (`intValue: "42"`), enums as numbers. Every span
 * is INTERNAL (the model runs in the page, not behind a network call). The root span is named
 * `chat <model>` and carries the GenAI attributes, the prompt and answer as
 * `gen_ai.input.messages` / `gen_ai.output.messages` (unless `includeContent` is false),
 * feedback as `hearth.feedback.*` and evaluation scores as `hearth.eval.<name>.score`. Errors
 * set status ERROR with the message and add an `exception` event. Secrets are stripped as in
 * every export (scrub.ts).
 */
import { ATTR, isDoubleAttribute, traceAppVersion } from './attributes';
import { scrubTrace, type ScrubOptions } from './scrub';
import type { AttributeValue, Attributes, SpanRecord, SpanStatus, TraceError, TraceRecord } from './types';
import { APP_VERSION } from './version';

export type OtlpAnyValue =
  | { stringValue: string }
  | { intValue: string }
  | { doubleValue: number }
  | { boolValue: boolean }
  | { arrayValue: { values: OtlpAnyValue[] } };

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export interface OtlpEvent {
  timeUnixNano: string;
  name: string;
  attributes: OtlpKeyValue[];
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  events: OtlpEvent[];
  status: { code: number; message?: string };
}

export interface OtlpTraces {
  resourceSpans: Array<{
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: Array<{ scope: { name: string; version: string }; spans: OtlpSpan[] }>;
  }>;
}

/** opentelemetry.proto.trace.v1.Span.SpanKind and Status.StatusCode */
export const SPAN_KIND_INTERNAL = 1;
export const STATUS_CODE = { unset: 0, ok: 1, error: 2 } as const satisfies Record<SpanStatus, number>;

export interface OtlpOptions extends ScrubOptions {
  /** Prompt and answer text in `gen_ai.input/output.messages`; on by default. */
  includeContent?: boolean;
}

/** Epoch milliseconds (with a fraction) as nanoseconds, in integer arithmetic: a double cannot hold 19 digits. */
export function toUnixNano(ms: number): string {
  const whole = Math.floor(ms);
  const fraction = Math.round((ms - whole) * 1e6);
  return (BigInt(whole) * 1_000_000n + BigInt(fraction)).toString();
}

function anyValue(key: string, value: AttributeValue): OtlpAnyValue {
  const scalar = (item: string | number | boolean): OtlpAnyValue => {
    if (typeof item === 'string') return { stringValue: item };
    if (typeof item === 'boolean') return { boolValue: item };
    return Number.isSafeInteger(item) && !isDoubleAttribute(key) ? { intValue: String(item) } : { doubleValue: item };
  };
  if (!Array.isArray(value)) return scalar(value as string | number | boolean);
  // A number array is all integers or all doubles, never a mix.
  const doubles = value.some((item) => typeof item === 'number' && !Number.isSafeInteger(item)) || isDoubleAttribute(key);
  return {
    arrayValue: {
      values: value.map((item: string | number | boolean) => (typeof item === 'number' && doubles ? { doubleValue: item } : scalar(item))),
    },
  };
}

export function otlpAttributes(attributes: Attributes): OtlpKeyValue[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(key, value) }));
}

function exceptionEvent(error: TraceError, at: number): OtlpEvent {
  return {
    timeUnixNano: toUnixNano(at),
    name: 'exception',
    attributes: otlpAttributes({ 'exception.type': error.code, 'exception.message': error.message }),
  };
}

function status(value: SpanStatus, error: TraceError | undefined): OtlpSpan['status'] {
  return value === 'error' ? { code: STATUS_CODE.error, message: error?.message ?? '' } : { code: STATUS_CODE[value] };
}

function childSpan(record: TraceRecord, span: SpanRecord): OtlpSpan {
  return {
    traceId: record.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    kind: SPAN_KIND_INTERNAL,
    startTimeUnixNano: toUnixNano(span.startTime),
    endTimeUnixNano: toUnixNano(span.endTime),
    attributes: otlpAttributes(span.attributes),
    events: span.error ? [exceptionEvent(span.error, span.endTime)] : [],
    status: status(span.status, span.error),
  };
}

function rootAttributes(record: TraceRecord, includeContent: boolean): Attributes {
  const finish = record.attributes[ATTR.finishReasons];
  const extra: Attributes = {};
  if (includeContent) {
    extra['gen_ai.input.messages'] = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: record.prompt }] }]);
    extra['gen_ai.output.messages'] = JSON.stringify([
      { role: 'assistant', parts: [{ type: 'text', content: record.completion }], ...(Array.isArray(finish) ? { finish_reason: finish[0] } : {}) },
    ]);
  }
  if (record.chunks) extra['hearth.retrieval.chunk_ids'] = record.chunks.map((chunk) => chunk.id);
  if (record.feedback) {
    extra['hearth.feedback.rating'] = record.feedback.rating;
    if (record.feedback.comment !== undefined) extra['hearth.feedback.comment'] = record.feedback.comment;
  }
  for (const result of Object.values(record.evals ?? {})) {
    if (result.score !== null) extra[`hearth.eval.${result.name}.score`] = result.score;
  }
  return { ...record.attributes, ...extra };
}

function rootSpan(record: TraceRecord, includeContent: boolean): OtlpSpan {
  const operation = record.attributes[ATTR.operation];
  const model = record.attributes[ATTR.model];
  return {
    traceId: record.traceId,
    spanId: record.spanId,
    // GenAI convention: "{gen_ai.operation.name} {gen_ai.request.model}".
    name: typeof operation === 'string' && typeof model === 'string' ? `${operation} ${model}` : record.name,
    kind: SPAN_KIND_INTERNAL,
    startTimeUnixNano: toUnixNano(record.startTime),
    endTimeUnixNano: toUnixNano(record.endTime),
    attributes: otlpAttributes(rootAttributes(record, includeContent)),
    events: record.error ? [exceptionEvent(record.error, record.endTime)] : [],
    status: status(record.status, record.error),
  };
}

export function toOtlp(traces: readonly TraceRecord[], options: OtlpOptions = {}): OtlpTraces {
  const includeContent = options.includeContent ?? true;
  const byVersion = new Map<string, OtlpSpan[]>();
  for (const trace of traces) {
    const record = scrubTrace(trace, options);
    const version = traceAppVersion(record) ?? 'unknown';
    const spans = byVersion.get(version) ?? [];
    spans.push(rootSpan(record, includeContent), ...record.spans.map((span) => childSpan(record, span)));
    byVersion.set(version, spans);
  }
  return {
    resourceSpans: [...byVersion].map(([version, spans]) => ({
      resource: {
        attributes: otlpAttributes({
          'service.name': 'hearth',
          'service.version': version,
          'telemetry.sdk.name': 'hearth',
          'telemetry.sdk.language': 'webjs',
        }),
      },
      scopeSpans: [{ scope: { name: 'hearth.observe', version: APP_VERSION }, spans }],
    })),
  };
}
