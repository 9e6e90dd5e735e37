/**
 * Attribute names, and the helpers that turn Hearth's own types into attributes and back.
 *
 * Names follow OpenTelemetry's GenAI semantic conventions where one exists (`gen_ai.*`,
 * `error.type`), so exported traces read correctly in existing tools; Hearth-only facts use
 * `hearth.*`.
 */
import type { EngineKind, FinishReason, GenerationTimings, SamplingSettings, TokenUsage } from '../engine/protocol';
import type { AttributeValue, Attributes, TraceRecord } from './types';

export const ATTR = {
  operation: 'gen_ai.operation.name',
  model: 'gen_ai.request.model',
  temperature: 'gen_ai.request.temperature',
  topP: 'gen_ai.request.top_p',
  maxTokens: 'gen_ai.request.max_tokens',
  seed: 'gen_ai.request.seed',
  presencePenalty: 'gen_ai.request.presence_penalty',
  frequencyPenalty: 'gen_ai.request.frequency_penalty',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  finishReasons: 'gen_ai.response.finish_reasons',
  conversationId: 'gen_ai.conversation.id',
  errorType: 'error.type',
  engine: 'hearth.engine',
  appVersion: 'hearth.app.version',
  messageId: 'hearth.message.id',
  persona: 'hearth.persona',
  templateId: 'hearth.template.id',
  templateVersion: 'hearth.template.version',
  ttftMs: 'hearth.time_to_first_token_ms',
  totalMs: 'hearth.generation.duration_ms',
  tokensPerSecond: 'hearth.decode.tokens_per_second',
  cacheHit: 'hearth.cache.hit',
  /** Set on spans still open when their trace ended (they were closed at the trace's end). */
  unfinished: 'hearth.span.unfinished',
} as const;

/** Attributes that are real numbers even when a value happens to be whole (OTLP `doubleValue`). */
const DOUBLE_ATTRIBUTES: ReadonlySet<string> = new Set([
  ATTR.temperature,
  ATTR.topP,
  ATTR.presencePenalty,
  ATTR.frequencyPenalty,
  ATTR.ttftMs,
  ATTR.totalMs,
  ATTR.tokensPerSecond,
]);

/** Evaluation scores (`hearth.eval.<name>.score`) are fractions too, even when exactly 0 or 1. */
export const isDoubleAttribute = (key: string): boolean => DOUBLE_ATTRIBUTES.has(key) || /^hearth\.eval\..+\.score$/.test(key);

/** What is known when a generation starts. */
export interface GenerationInfo {
  model: string;
  engine: EngineKind | (string & {});
  persona?: string;
  templateId?: string;
  templateVersion?: string | number;
  sampling?: Partial<SamplingSettings>;
}

/** What is known when it ends. */
export interface GenerationResult {
  usage?: TokenUsage;
  timings?: GenerationTimings;
  finishReason?: FinishReason;
  /** The answer came from a response cache rather than the model. */
  cacheHit?: boolean;
}

export function generationAttributes(info: GenerationInfo): Attributes {
  const sampling = info.sampling ?? {};
  return defined({
    [ATTR.operation]: 'chat',
    [ATTR.model]: info.model,
    [ATTR.engine]: info.engine,
    [ATTR.persona]: info.persona,
    [ATTR.templateId]: info.templateId,
    [ATTR.templateVersion]: info.templateVersion,
    [ATTR.temperature]: sampling.temperature,
    [ATTR.topP]: sampling.top_p,
    [ATTR.maxTokens]: sampling.max_tokens,
    [ATTR.seed]: sampling.seed,
    [ATTR.presencePenalty]: sampling.presence_penalty,
    [ATTR.frequencyPenalty]: sampling.frequency_penalty,
  });
}

export function resultAttributes(result: GenerationResult): Attributes {
  return defined({
    [ATTR.inputTokens]: result.usage?.promptTokens,
    [ATTR.outputTokens]: result.usage?.completionTokens,
    [ATTR.ttftMs]: result.timings?.timeToFirstTokenMs,
    [ATTR.totalMs]: result.timings?.totalMs,
    [ATTR.tokensPerSecond]: result.timings?.decodeTokensPerSecond,
    [ATTR.finishReasons]: result.finishReason === undefined ? undefined : [result.finishReason],
    [ATTR.cacheHit]: result.cacheHit,
  });
}

/** Drops undefined and non-finite numbers: an attribute is either known or absent. */
export function defined(values: Record<string, AttributeValue | null | undefined>): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    if (typeof value === 'number' && !Number.isFinite(value)) continue;
    out[key] = value;
  }
  return out;
}

const text = (record: TraceRecord, key: string): string | undefined => {
  const value = record.attributes[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
};
const number = (record: TraceRecord, key: string): number | undefined => {
  const value = record.attributes[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
};

export const traceModel = (record: TraceRecord): string | undefined => text(record, ATTR.model);
export const traceEngine = (record: TraceRecord): string | undefined => text(record, ATTR.engine);
export const traceAppVersion = (record: TraceRecord): string | undefined => text(record, ATTR.appVersion);
export const traceTemplateId = (record: TraceRecord): string | undefined => text(record, ATTR.templateId);
/** Versions are compared as text, whether the template module numbers them or names them. */
export const traceTemplateVersion = (record: TraceRecord): string | undefined => text(record, ATTR.templateVersion);
export const traceTtftMs = (record: TraceRecord): number | undefined => number(record, ATTR.ttftMs);
export const traceTokensPerSecond = (record: TraceRecord): number | undefined => number(record, ATTR.tokensPerSecond);
