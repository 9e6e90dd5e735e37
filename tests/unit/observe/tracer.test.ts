import { describe, expect, test, vi } from 'vitest';
import { ATTR } from '../../../src/lib/observe/attributes';
import { isSpanId, isTraceId } from '../../../src/lib/observe/ids';
import { Tracer } from '../../../src/lib/observe/tracer';
import { APP_VERSION } from '../../../src/lib/observe/version';
import { EngineError } from '../../../src/lib/engine/protocol';
import { fakeClock, sequentialIds } from './fakes';

function setup() {
  const clock = fakeClock();
  const ended = vi.fn();
  const tracer = new Tracer({ clock, appVersion: '9.9.9', onEnd: ended, ...sequentialIds() });
  return { clock, tracer, ended, epoch: clock.wall!() };
}

describe('Tracer', () => {
  test('times nested spans with the injected clock', async () => {
    const { clock, tracer, epoch } = setup();
    const trace = tracer.startTrace('chat', { messageId: 'm1', conversationId: 'c1', prompt: 'Why is the sky blue?' });
    clock.advance(5);
    await trace.span('retrieval', async (span) => {
      clock.advance(10);
      span.span('rank', () => clock.advance(3));
      span.setAttribute('hearth.retrieval.chunks', 4);
    });
    trace.span('prompt.render', () => clock.advance(1));
    const prefill = trace.startSpan('prefill');
    clock.advance(20);
    prefill.end();
    const decode = trace.startSpan('decode', { 'hearth.stream': true });
    clock.advance(100);
    decode.end();
    clock.advance(2);
    const record = trace.end({ completion: 'Rayleigh scattering.' });

    expect(record.startTime).toBe(epoch);
    expect(record.endTime - record.startTime).toBe(141);
    const byName = Object.fromEntries(record.spans.map((span) => [span.name, span]));
    expect(Object.keys(byName)).toEqual(['retrieval', 'rank', 'prompt.render', 'prefill', 'decode']);
    expect(byName.retrieval).toMatchObject({ startTime: epoch + 5, endTime: epoch + 18, status: 'ok', parentSpanId: record.spanId });
    expect(byName.rank).toMatchObject({ startTime: epoch + 15, endTime: epoch + 18, parentSpanId: byName.retrieval!.spanId });
    expect(byName.retrieval!.attributes).toEqual({ 'hearth.retrieval.chunks': 4 });
    expect(byName['prompt.render']!.endTime - byName['prompt.render']!.startTime).toBe(1);
    expect(byName.prefill!.endTime - byName.prefill!.startTime).toBe(20);
    expect(byName.decode).toMatchObject({ startTime: epoch + 39, endTime: epoch + 139, attributes: { 'hearth.stream': true } });
    expect(record).toMatchObject({ status: 'ok', messageId: 'm1', conversationId: 'c1', prompt: 'Why is the sky blue?', completion: 'Rayleigh scattering.' });
  });

  test('records generation attributes with GenAI names, and the app version', () => {
    const { tracer } = setup();
    const trace = tracer.startTrace('chat', {
      info: {
        model: 'Llama-3.2-1B',
        engine: 'webllm',
        persona: 'tutor',
        templateId: 'qa',
        templateVersion: 3,
        sampling: { temperature: 0.7, top_p: 0.95, max_tokens: 512, seed: undefined },
      },
    });
    const record = trace.end({
      result: {
        usage: { promptTokens: 40, completionTokens: 12 },
        timings: { timeToFirstTokenMs: 85, totalMs: 400, decodeTokensPerSecond: 38.5 },
        finishReason: 'stop',
        cacheHit: false,
      },
    });
    expect(record.attributes).toEqual({
      [ATTR.appVersion]: '9.9.9',
      [ATTR.operation]: 'chat',
      [ATTR.model]: 'Llama-3.2-1B',
      [ATTR.engine]: 'webllm',
      [ATTR.persona]: 'tutor',
      [ATTR.templateId]: 'qa',
      [ATTR.templateVersion]: 3,
      [ATTR.temperature]: 0.7,
      [ATTR.topP]: 0.95,
      [ATTR.maxTokens]: 512,
      [ATTR.inputTokens]: 40,
      [ATTR.outputTokens]: 12,
      [ATTR.ttftMs]: 85,
      [ATTR.totalMs]: 400,
      [ATTR.tokensPerSecond]: 38.5,
      [ATTR.finishReasons]: ['stop'],
      [ATTR.cacheHit]: false,
    });
    expect(new Tracer().startTrace().end().attributes[ATTR.appVersion]).toBe(APP_VERSION);
  });

  test('ending a trace closes its open spans at that moment and flags them', () => {
    const { clock, tracer, ended } = setup();
    const trace = tracer.startTrace();
    const decode = trace.startSpan('decode');
    const inner = decode.startSpan('render');
    clock.advance(50);
    const record = trace.end();
    expect(record.spans.map((span) => [span.name, span.endTime - span.startTime, span.status, span.attributes[ATTR.unfinished]])).toEqual([
      ['decode', 50, 'unset', true],
      ['render', 50, 'unset', true],
    ]);
    expect(ended).toHaveBeenCalledExactlyOnceWith(record);
    // Late calls change nothing and never throw.
    clock.advance(10);
    decode.end();
    trace.startSpan('late').end();
    expect(trace.end()).toBe(record);
    expect(record.spans).toHaveLength(2);
    expect(ended).toHaveBeenCalledOnce();
  });

  test('an error marks the span and its trace, and is rethrown by span()', async () => {
    const { clock, tracer } = setup();
    const trace = tracer.startTrace();
    trace.span('retrieval', () => clock.advance(1));
    await expect(
      trace.span('decode', async () => {
        clock.advance(7);
        throw new EngineError('device-lost', 'The GPU was reset.');
      }),
    ).rejects.toThrow('The GPU was reset.');
    expect(() =>
      trace.span('render', () => {
        throw new TypeError('bad node');
      }),
    ).toThrow(TypeError);
    const record = trace.end();
    expect(record.spans.map((span) => [span.name, span.status, span.error?.code])).toEqual([
      ['retrieval', 'ok', undefined],
      ['decode', 'error', 'device-lost'],
      ['render', 'error', 'TypeError'],
    ]);
    expect(record.spans[1]!.endTime - record.spans[1]!.startTime).toBe(7);
    // The first failure is the trace's.
    expect(record).toMatchObject({ status: 'error', error: { code: 'device-lost', message: 'The GPU was reset.' } });
    expect(record.attributes[ATTR.errorType]).toBe('device-lost');
  });

  test('end({ error }) fails the trace; non-Error throwables are recorded too', () => {
    const { tracer } = setup();
    expect(tracer.startTrace().end({ error: 'boom' })).toMatchObject({ status: 'error', error: { code: 'error', message: 'boom' } });
    const trace = tracer.startTrace();
    trace.startSpan('decode').end({ error: { code: 'quota', message: 'full' } });
    expect(trace.end().error).toEqual({ code: 'quota', message: 'full' });
  });

  test('a throwing onEnd listener does not break the generation', () => {
    const tracer = new Tracer({
      onEnd: () => {
        throw new Error('storage full');
      },
    });
    expect(tracer.startTrace().end().status).toBe('ok');
  });

  test('default ids are random, lowercase hex, 16 and 8 bytes', () => {
    const tracer = new Tracer();
    const traces = Array.from({ length: 20 }, () => tracer.startTrace());
    for (const trace of traces) {
      expect(isTraceId(trace.traceId)).toBe(true);
      expect(isSpanId(trace.spanId)).toBe(true);
      expect(isSpanId(trace.startSpan('x').spanId)).toBe(true);
    }
    expect(new Set(traces.map((trace) => trace.traceId)).size).toBe(20);
  });

  test('the record is a snapshot: later changes to inputs do not leak in', () => {
    const { tracer } = setup();
    const chunks = [{ id: 'c1', text: 'alpha' }];
    const trace = tracer.startTrace('chat', { chunks });
    const span = trace.startSpan('decode');
    const record = trace.end();
    chunks.push({ id: 'c2', text: 'beta' });
    span.setAttribute('late', 1);
    expect(record.chunks).toEqual([{ id: 'c1', text: 'alpha' }]);
    expect(record.spans[0]!.attributes).not.toHaveProperty('late');
  });
});
