/**
 * The observability layer's public surface: what the chat, the message UI and the trace,
 * leaderboard and export screens use. Everything else in this folder is an implementation detail.
 */
export { Observability, type EvaluationProgress, type ObservabilityDeps, type TraceExportOptions } from './observability.svelte';
export { Tracer, Trace, Span, type TracerOptions, type TraceInit } from './tracer';
export { ATTR, type GenerationInfo, type GenerationResult } from './attributes';
export { TraceRepository, openTraceRepository, type ImportResult, type Retention, type TraceTarget } from './store';
export type { TraceQuery, TracePage, TraceFacets, FeedbackFilter } from './query';
export { EvalRunner, DEFAULT_EVALUATORS, type EvalProgress, type RunOverOptions } from './runner';
export { leaderboard, sortLeaderboard, type Leaderboard, type LeaderboardRow, type LeaderboardColumn, type LeaderboardSort } from './leaderboard';
// The export formats (exchange.ts, otlp.ts) are imported where used: they load with the export, not with the app.
export { groundedness, groundednessEvaluator } from './eval/groundedness';
export { relevance, relevanceEvaluator } from './eval/relevance';
export { detectPii, redactPii, redactSecrets, PII_PLACEHOLDERS, type PiiFinding, type PiiType } from './eval/pii';
export { piiScore, piiEvaluator } from './eval/pii-evaluator';
export { judge, judgeEvaluator, buildJudgePrompt, parseJudgeOutput, type Complete } from './eval/judge';
export type { Evaluator, EvalInput } from './eval/types';
export type { TraceRecord, SpanRecord, Attributes, AttributeValue, Feedback, Rating, EvalResult, EvalScore, RetrievedChunk, TraceError } from './types';
export { APP_VERSION } from './version';
