import { ATTR } from '../../../src/lib/observe/attributes';
import type { TraceClock } from '../../../src/lib/observe/clock';
import type { Attributes, TraceRecord } from '../../../src/lib/observe/types';

/** A clock that moves only when told: `now` is monotonic ms, `wall` starts at `epoch`. */
export function fakeClock(epoch = Date.UTC(2026, 0, 15, 12)): TraceClock & { advance(ms: number): void; set(ms: number): void } {
  let mono = 0;
  return {
    now: () => mono,
    wall: () => epoch + mono,
    advance(ms) {
      mono += ms;
    },
    set(ms) {
      mono = ms;
    },
  };
}

/** Deterministic ids in the OTLP shape: trace ids 32 hex digits, span ids 16. */
export function sequentialIds(): { newTraceId(): string; newSpanId(): string } {
  let traces = 0;
  let spans = 0;
  return {
    newTraceId: () => (++traces).toString(16).padStart(32, '0'),
    newSpanId: () => (++spans).toString(16).padStart(16, '0'),
  };
}

let made = 0;

export interface TraceFixture {
  id?: number;
  at?: number;
  messageId?: string;
  model?: string;
  appVersion?: string;
  templateId?: string;
  templateVersion?: string | number;
  ttftMs?: number;
  tokensPerSecond?: number;
  prompt?: string;
  completion?: string;
  attributes?: Attributes;
  extra?: Partial<TraceRecord>;
}

/** A stored-shape trace with one decode span; ids derive from `id` so tests can name them. */
export function makeTrace(fixture: TraceFixture = {}): TraceRecord {
  const n = fixture.id ?? ++made + 1000;
  const at = fixture.at ?? Date.UTC(2026, 0, 15) + n * 1000;
  const traceId = n.toString(16).padStart(32, '0');
  const spanId = n.toString(16).padStart(16, '0');
  const attributes: Attributes = {
    [ATTR.appVersion]: fixture.appVersion ?? '0.1.0',
    [ATTR.model]: fixture.model ?? 'model-a',
    [ATTR.engine]: 'scripted',
    ...(fixture.templateId !== undefined ? { [ATTR.templateId]: fixture.templateId } : {}),
    ...(fixture.templateVersion !== undefined ? { [ATTR.templateVersion]: fixture.templateVersion } : {}),
    ...(fixture.ttftMs !== undefined ? { [ATTR.ttftMs]: fixture.ttftMs } : {}),
    ...(fixture.tokensPerSecond !== undefined ? { [ATTR.tokensPerSecond]: fixture.tokensPerSecond } : {}),
    ...fixture.attributes,
  };
  return {
    traceId,
    spanId,
    name: 'chat',
    ...(fixture.messageId !== undefined ? { messageId: fixture.messageId } : {}),
    startTime: at,
    endTime: at + 500,
    status: 'ok',
    attributes,
    spans: [{ spanId: (n + 0x100000).toString(16).padStart(16, '0'), parentSpanId: spanId, name: 'decode', startTime: at + 100, endTime: at + 450, status: 'ok', attributes: {} }],
    prompt: fixture.prompt ?? `question ${n}`,
    completion: fixture.completion ?? `answer ${n}`,
    ...fixture.extra,
  };
}
