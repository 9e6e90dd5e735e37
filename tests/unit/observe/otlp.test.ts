import { describe, expect, test } from 'vitest';
import { otlpAttributes, toOtlp, toUnixNano, type OtlpSpan, type OtlpTraces } from '../../../src/lib/observe/otlp';
import { Tracer } from '../../../src/lib/observe/tracer';
import type { TraceRecord } from '../../../src/lib/observe/types';
import { fakeClock, makeTrace, sequentialIds } from './fakes';
import { validateOtlpTraces } from './otlp-shape';

/** A real trace from the tracer: nested spans, an error, generation attributes, feedback and evals. */
function recordedTrace(): TraceRecord {
  const clock = fakeClock(Date.UTC(2026, 0, 15, 12, 0, 0) + 0.25);
  const tracer = new Tracer({ clock, appVersion: '0.1.0', ...sequentialIds() });
  const trace = tracer.startTrace('chat', {
    messageId: 'm1',
    conversationId: 'c1',
    prompt: 'How tall is the tower?',
    chunks: [{ id: 'doc-1#3', text: 'The tower is 330 metres tall.' }],
    info: { model: 'Llama-3.2-1B', engine: 'webllm', templateId: 'qa', templateVersion: 2, sampling: { temperature: 1, top_p: 0.9, max_tokens: 256 } },
  });
  trace.span('retrieval', (span) => {
    clock.advance(4.5);
    span.setAttribute('hearth.retrieval.chunks', 1);
  });
  trace.span('prompt.render', () => clock.advance(0.125));
  const decode = trace.startSpan('decode');
  decode.span('render', () => clock.advance(1));
  clock.advance(50);
  decode.end({ error: { code: 'device-lost', message: 'GPU reset' } });
  const record = trace.end({
    completion: '330 metres.',
    result: { usage: { promptTokens: 30, completionTokens: 4 }, timings: { timeToFirstTokenMs: 12, totalMs: 55, decodeTokensPerSecond: 80 }, finishReason: 'stop' },
  });
  return {
    ...record,
    feedback: { rating: 'up', comment: 'good', at: 1 },
    evals: {
      relevance: { name: 'relevance', score: 1, details: {}, version: 1, at: 2 },
      groundedness: { name: 'groundedness', score: null, details: {}, version: 1, at: 2 },
    },
  };
}

const attribute = (span: OtlpSpan, key: string) => span.attributes.find((entry) => entry.key === key)?.value;

describe('OTLP/JSON export', () => {
  test('is a valid ExportTraceServiceRequest', () => {
    const traces = [recordedTrace(), makeTrace({ id: 7, appVersion: '0.2.0' }), makeTrace({ id: 8 })];
    const otlp = toOtlp(traces);
    expect(validateOtlpTraces(otlp)).toEqual([]);
    // Survives a trip through JSON unchanged (no BigInt, no undefined, no NaN).
    expect(validateOtlpTraces(JSON.parse(JSON.stringify(otlp)))).toEqual([]);
    expect(JSON.parse(JSON.stringify(otlp))).toEqual(otlp);
  });

  test('one resource per app version, with service.name=hearth', () => {
    const otlp = toOtlp([recordedTrace(), makeTrace({ id: 7, appVersion: '0.2.0' }), makeTrace({ id: 8 })]);
    expect(otlp.resourceSpans.map((resource) => Object.fromEntries(resource.resource.attributes.map(({ key, value }) => [key, value])))).toEqual([
      expect.objectContaining({ 'service.name': { stringValue: 'hearth' }, 'service.version': { stringValue: '0.1.0' } }),
      expect.objectContaining({ 'service.name': { stringValue: 'hearth' }, 'service.version': { stringValue: '0.2.0' } }),
    ]);
    expect(otlp.resourceSpans[0]!.scopeSpans[0]!.spans.filter((span) => !span.parentSpanId)).toHaveLength(2);
  });

  test('spans keep their tree, exact nanosecond times, status and exception events', () => {
    const record = recordedTrace();
    const spans = toOtlp([record]).resourceSpans[0]!.scopeSpans[0]!.spans;
    const [root, retrieval, render, decode, nestedRender] = spans as [OtlpSpan, OtlpSpan, OtlpSpan, OtlpSpan, OtlpSpan];
    expect(spans.map((span) => span.name)).toEqual(['chat Llama-3.2-1B', 'retrieval', 'prompt.render', 'decode', 'render']);
    expect(root.parentSpanId).toBeUndefined();
    expect([retrieval, render, decode].every((span) => span.parentSpanId === root.spanId)).toBe(true);
    expect(nestedRender.parentSpanId).toBe(decode.spanId);
    expect(root.startTimeUnixNano).toBe('1768478400000250000');
    expect(BigInt(retrieval.endTimeUnixNano) - BigInt(retrieval.startTimeUnixNano)).toBe(4_500_000n);
    expect(BigInt(render.endTimeUnixNano) - BigInt(render.startTimeUnixNano)).toBe(125_000n);
    expect(decode.status).toEqual({ code: 2, message: 'GPU reset' });
    expect(decode.events).toEqual([
      {
        timeUnixNano: decode.endTimeUnixNano,
        name: 'exception',
        attributes: [
          { key: 'exception.type', value: { stringValue: 'device-lost' } },
          { key: 'exception.message', value: { stringValue: 'GPU reset' } },
        ],
      },
    ]);
    expect(retrieval.status).toEqual({ code: 1 });
    expect(root.status).toEqual({ code: 2, message: 'GPU reset' });
    expect(spans.every((span) => span.kind === 1)).toBe(true);
  });

  test('GenAI attribute names and OTLP value types', () => {
    const root = toOtlp([recordedTrace()]).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(attribute(root, 'gen_ai.request.model')).toEqual({ stringValue: 'Llama-3.2-1B' });
    expect(attribute(root, 'gen_ai.usage.input_tokens')).toEqual({ intValue: '30' });
    expect(attribute(root, 'gen_ai.usage.output_tokens')).toEqual({ intValue: '4' });
    expect(attribute(root, 'gen_ai.request.max_tokens')).toEqual({ intValue: '256' });
    // Temperature 1 is still a double.
    expect(attribute(root, 'gen_ai.request.temperature')).toEqual({ doubleValue: 1 });
    expect(attribute(root, 'gen_ai.response.finish_reasons')).toEqual({ arrayValue: { values: [{ stringValue: 'stop' }] } });
    expect(attribute(root, 'hearth.template.version')).toEqual({ intValue: '2' });
    expect(attribute(root, 'hearth.time_to_first_token_ms')).toEqual({ doubleValue: 12 });
    expect(attribute(root, 'hearth.feedback.rating')).toEqual({ stringValue: 'up' });
    expect(attribute(root, 'hearth.eval.relevance.score')).toEqual({ doubleValue: 1 });
    expect(attribute(root, 'hearth.eval.groundedness.score')).toBeUndefined();
    expect(attribute(root, 'hearth.retrieval.chunk_ids')).toEqual({ arrayValue: { values: [{ stringValue: 'doc-1#3' }] } });
    expect(JSON.parse((attribute(root, 'gen_ai.input.messages') as { stringValue: string }).stringValue)).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'How tall is the tower?' }] },
    ]);
    expect(JSON.parse((attribute(root, 'gen_ai.output.messages') as { stringValue: string }).stringValue)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: '330 metres.' }], finish_reason: 'stop' },
    ]);
    const withoutContent = toOtlp([recordedTrace()], { includeContent: false }).resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(attribute(withoutContent, 'gen_ai.input.messages')).toBeUndefined();
  });

  test('secret-looking attributes are stripped and secrets in text redacted', () => {
    const key = `sk-${'a1B2c3D4e5F6g7H8i9J0'.repeat(2)}`;
    const record = makeTrace({
      id: 9,
      prompt: `my key is ${key}`,
      attributes: { 'hearth.remote.api_key': key, apiKey: 'x', 'http.request.header.authorization': 'Bearer abc', 'gen_ai.usage.input_tokens': 3, note: `uses ${key}` },
    });
    const text = JSON.stringify(toOtlp([record]));
    expect(text).not.toContain(key);
    expect(text).not.toMatch(/api_key|apiKey|authorization/);
    expect(text).toContain('gen_ai.usage.input_tokens');
    expect(text).toContain('uses [API_KEY]');
    expect(text).toContain('my key is [API_KEY]');
  });

  test('the validator catches what a broken exporter would write', () => {
    const good = toOtlp([makeTrace({ id: 3 })]);
    const span = good.resourceSpans[0]!.scopeSpans[0]!.spans[1]!;
    const broken = (change: (span: Record<string, unknown>) => void): string[] => {
      const copy = structuredClone(good) as OtlpTraces;
      change(copy.resourceSpans[0]!.scopeSpans[0]!.spans[1] as unknown as Record<string, unknown>);
      return validateOtlpTraces(copy);
    };
    expect(broken((s) => (s.spanId = span.spanId.toUpperCase() + '0'))).not.toEqual([]);
    expect(broken((s) => (s.startTimeUnixNano = Number(span.startTimeUnixNano)))).not.toEqual([]);
    expect(broken((s) => (s.startTimeUnixNano = '1768478400000'))).not.toEqual([]);
    expect(broken((s) => (s.parentSpanId = 'ffffffffffffffff'))).toEqual([expect.stringMatching(/points outside/)]);
    expect(broken((s) => (s.attributes = [{ key: 'x', value: { intValue: 1.5 } }]))).not.toEqual([]);
    expect(broken((s) => (s.attributes = [{ key: 'x', value: { stringValue: 'a', intValue: '1' } }]))).not.toEqual([]);
    expect(broken((s) => (s.status = { code: 'STATUS_CODE_OK' }))).not.toEqual([]);
    expect(broken((s) => (s.trace_id = 'x'))).not.toEqual([]);
  });

  test('nanosecond conversion is exact', () => {
    expect(toUnixNano(1)).toBe('1000000');
    expect(toUnixNano(1768478400000.125)).toBe('1768478400000125000');
    // 19 digits: beyond a double, so computed in BigInt.
    expect(toUnixNano(1768478400001)).toBe('1768478400001000000');
    expect(otlpAttributes({ big: 2 ** 60, list: [1, 2.5] })).toEqual([
      { key: 'big', value: { doubleValue: 2 ** 60 } },
      { key: 'list', value: { arrayValue: { values: [{ doubleValue: 1 }, { doubleValue: 2.5 }] } } },
    ]);
  });
});
