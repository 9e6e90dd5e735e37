/**
 * Checks an untrusted value (an imported file) is a well-formed trace, and rebuilds it from its
 * known fields only. Problems are collected with their path so the user is told exactly what is
 * wrong, e.g. `spans[2].parentSpanId points outside the trace`.
 */
import { isSpanId, isTraceId } from './ids';
import type { AttributeValue, Attributes, EvalResult, Feedback, RetrievedChunk, SpanRecord, SpanStatus, TraceError, TraceRecord } from './types';

type Problems = string[];
type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isTime = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;
const STATUSES: readonly SpanStatus[] = ['unset', 'ok', 'error'];

function isAttributeValue(value: unknown): value is AttributeValue {
  const scalar = (item: unknown): boolean => typeof item === 'string' || typeof item === 'boolean' || (typeof item === 'number' && Number.isFinite(item));
  if (scalar(value)) return true;
  if (!Array.isArray(value)) return false;
  // OpenTelemetry arrays are homogeneous.
  return value.every(scalar) && new Set(value.map((item) => typeof item)).size <= 1;
}

function attributes(value: unknown, path: string, problems: Problems): Attributes {
  if (!isObject(value)) {
    problems.push(`${path} is not an object`);
    return {};
  }
  const out: Attributes = {};
  for (const [key, item] of Object.entries(value)) {
    if (!key) problems.push(`${path} has an empty key`);
    else if (!isAttributeValue(item)) problems.push(`${path}.${key} is not a string, number, boolean or an array of one of them`);
    else out[key] = item;
  }
  return out;
}

function traceError(value: unknown, path: string, problems: Problems): TraceError | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value) || typeof value.code !== 'string' || typeof value.message !== 'string') {
    problems.push(`${path} needs a text code and message`);
    return undefined;
  }
  return { code: value.code, message: value.message };
}

function status(value: unknown, path: string, problems: Problems): SpanStatus {
  if (STATUSES.includes(value as SpanStatus)) return value as SpanStatus;
  problems.push(`${path} is not one of ${STATUSES.join(', ')}`);
  return 'unset';
}

function times(value: Json, path: string, problems: Problems): { startTime: number; endTime: number } {
  const { startTime, endTime } = value;
  if (!isTime(startTime) || !isTime(endTime)) {
    problems.push(`${path} needs startTime and endTime in milliseconds`);
    return { startTime: 0, endTime: 0 };
  }
  if (endTime < startTime) problems.push(`${path} ends before it starts`);
  return { startTime, endTime };
}

function span(value: unknown, path: string, problems: Problems): SpanRecord | null {
  if (!isObject(value)) {
    problems.push(`${path} is not an object`);
    return null;
  }
  if (!isSpanId(value.spanId)) problems.push(`${path}.spanId is not 16 lowercase hex digits`);
  if (!isSpanId(value.parentSpanId)) problems.push(`${path}.parentSpanId is not 16 lowercase hex digits`);
  if (typeof value.name !== 'string' || !value.name) problems.push(`${path}.name is missing`);
  const error = traceError(value.error, `${path}.error`, problems);
  return {
    spanId: String(value.spanId),
    parentSpanId: String(value.parentSpanId),
    name: String(value.name),
    ...times(value, path, problems),
    status: status(value.status, `${path}.status`, problems),
    ...(error ? { error } : {}),
    attributes: attributes(value.attributes, `${path}.attributes`, problems),
  };
}

function chunks(value: unknown, path: string, problems: Problems): RetrievedChunk[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    problems.push(`${path} is not a list`);
    return undefined;
  }
  return value.flatMap((chunk, index) => {
    if (!isObject(chunk) || typeof chunk.id !== 'string' || typeof chunk.text !== 'string') {
      problems.push(`${path}[${index}] needs a text id and text`);
      return [];
    }
    if (chunk.source !== undefined && typeof chunk.source !== 'string') problems.push(`${path}[${index}].source is not text`);
    if (chunk.score !== undefined && !(typeof chunk.score === 'number' && Number.isFinite(chunk.score))) problems.push(`${path}[${index}].score is not a number`);
    return [
      {
        id: chunk.id,
        text: chunk.text,
        ...(typeof chunk.source === 'string' ? { source: chunk.source } : {}),
        ...(typeof chunk.score === 'number' ? { score: chunk.score } : {}),
      },
    ];
  });
}

function feedback(value: unknown, path: string, problems: Problems): Feedback | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value) || (value.rating !== 'up' && value.rating !== 'down') || !isTime(value.at)) {
    problems.push(`${path} needs a rating of "up" or "down" and a time`);
    return undefined;
  }
  if (value.comment !== undefined && typeof value.comment !== 'string') problems.push(`${path}.comment is not text`);
  return { rating: value.rating, at: value.at, ...(typeof value.comment === 'string' ? { comment: value.comment } : {}) };
}

function evals(value: unknown, path: string, problems: Problems): Record<string, EvalResult> | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) {
    problems.push(`${path} is not an object`);
    return undefined;
  }
  const out: Record<string, EvalResult> = {};
  for (const [name, result] of Object.entries(value)) {
    const where = `${path}.${name}`;
    if (!isObject(result) || result.name !== name) {
      problems.push(`${where} is not a result of the evaluator "${name}"`);
      continue;
    }
    const { score, details, version, at } = result;
    if (score !== null && !(typeof score === 'number' && score >= 0 && score <= 1)) problems.push(`${where}.score is not null or a number from 0 to 1`);
    if (!isObject(details)) problems.push(`${where}.details is not an object`);
    if (!Number.isInteger(version) || (version as number) < 0) problems.push(`${where}.version is not a whole number`);
    if (!isTime(at)) problems.push(`${where}.at is not a time`);
    out[name] = { name, score: score as number | null, details: isObject(details) ? details : {}, version: version as number, at: at as number };
  }
  return out;
}

/** Validates one trace; the record is usable only when `problems` stayed empty. */
export function validateTrace(value: unknown, path: string, problems: Problems): TraceRecord | null {
  if (!isObject(value)) {
    problems.push(`${path} is not an object`);
    return null;
  }
  const before = problems.length;
  if (!isTraceId(value.traceId)) problems.push(`${path}.traceId is not 32 lowercase hex digits`);
  if (!isSpanId(value.spanId)) problems.push(`${path}.spanId is not 16 lowercase hex digits`);
  if (typeof value.name !== 'string' || !value.name) problems.push(`${path}.name is missing`);
  for (const key of ['messageId', 'conversationId'] as const) {
    if (value[key] !== undefined && typeof value[key] !== 'string') problems.push(`${path}.${key} is not text`);
  }
  for (const key of ['prompt', 'completion'] as const) {
    if (typeof value[key] !== 'string') problems.push(`${path}.${key} is not text`);
  }
  const spans = Array.isArray(value.spans) ? value.spans.map((item, index) => span(item, `${path}.spans[${index}]`, problems)) : null;
  if (!spans) problems.push(`${path}.spans is not a list`);
  const error = traceError(value.error, `${path}.error`, problems);
  const optional = {
    chunks: chunks(value.chunks, `${path}.chunks`, problems),
    feedback: feedback(value.feedback, `${path}.feedback`, problems),
    evals: evals(value.evals, `${path}.evals`, problems),
  };
  const record: TraceRecord = {
    traceId: String(value.traceId),
    spanId: String(value.spanId),
    name: String(value.name),
    ...(typeof value.messageId === 'string' ? { messageId: value.messageId } : {}),
    ...(typeof value.conversationId === 'string' ? { conversationId: value.conversationId } : {}),
    ...times(value, path, problems),
    status: status(value.status, `${path}.status`, problems),
    ...(error ? { error } : {}),
    attributes: attributes(value.attributes, `${path}.attributes`, problems),
    spans: (spans ?? []).filter((item): item is SpanRecord => item !== null),
    prompt: String(value.prompt),
    completion: String(value.completion),
    ...Object.fromEntries(Object.entries(optional).filter(([, item]) => item !== undefined)),
  };
  checkTree(record, path, problems);
  return problems.length === before ? record : null;
}

/** Span ids are unique, and every span's parents lead back to the root without a loop. */
function checkTree(record: TraceRecord, path: string, problems: Problems): void {
  const parents = new Map<string, string>();
  record.spans.forEach((item, index) => {
    if (item.spanId === record.spanId || parents.has(item.spanId)) problems.push(`${path}.spans[${index}].spanId is used twice in the trace`);
    parents.set(item.spanId, item.parentSpanId);
  });
  record.spans.forEach((item, index) => {
    let current = item.parentSpanId;
    for (let steps = 0; current !== record.spanId; steps++) {
      const next = parents.get(current);
      if (next === undefined || steps > record.spans.length) {
        problems.push(`${path}.spans[${index}].parentSpanId ${next === undefined ? 'points outside the trace' : 'is part of a loop'}`);
        return;
      }
      current = next;
    }
  });
}
