import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SseParser, type SseEvent } from '../../../src/lib/engine/sse';

/** Parses a whole stream delivered in the given pieces. */
function parse(pieces: Array<string | Uint8Array>): SseEvent[] {
  const parser = new SseParser();
  return [...pieces.flatMap((piece) => parser.push(piece)), ...parser.end()];
}

const data = (events: SseEvent[]): string[] => events.map((event) => event.data);

/** An OpenAI-style stream as Ollama, vLLM and llama.cpp server send it. */
const OPENAI_STREAM = [
  ': keep-alive',
  '',
  'data: {"choices":[{"delta":{"content":"Hel"}}]}',
  '',
  'data: {"choices":[{"delta":{"content":"lo ✓ 🔥"}}]}',
  '',
  'data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}',
  '',
  'data: [DONE]',
  '',
  '',
].join('\n');

describe('SSE parser', () => {
  test('data lines, comments and [DONE]', () => {
    expect(data(parse([OPENAI_STREAM]))).toEqual([
      '{"choices":[{"delta":{"content":"Hel"}}]}',
      '{"choices":[{"delta":{"content":"lo ✓ 🔥"}}]}',
      '{"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}',
      '[DONE]',
    ]);
  });

  test('several data lines make one event, joined by LF; event and id fields are kept', () => {
    const events = parse(['event: update\nid: 7\ndata: first\ndata:second\ndata\n\ndata: next\n\n']);
    expect(events).toEqual([
      { event: 'update', data: 'first\nsecond\n', id: '7' },
      { event: 'message', data: 'next', id: '7' },
    ]);
  });

  test('CRLF, lone CR and LF all end lines', () => {
    expect(data(parse(['data: a\r\n\r\ndata: b\r\rdata: c\n\n']))).toEqual(['a', 'b', 'c']);
  });

  test('a CRLF split between two pieces is one line end, not two', () => {
    // A second line end would dispatch "a" early and split "a"/"b" into two events.
    expect(data(parse(['data: a\r', '\ndata: b\r\n\r\n']))).toEqual(['a\nb']);
  });

  test('a UTF-8 character split between two network chunks is decoded whole', () => {
    const bytes = new TextEncoder().encode('data: 🔥 é\n\n');
    const events = parse([bytes.slice(0, 7), bytes.slice(7, 9), bytes.slice(9)]);
    expect(data(events)).toEqual(['🔥 é']);
  });

  test('a byte-order mark at the start is ignored', () => {
    expect(data(parse(['\uFEFFdata: x\n\n']))).toEqual(['x']);
    expect(data(parse([new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('data: y\n\n')])]))).toEqual(['y']);
  });

  test('events without data are not dispatched; one space after the colon is dropped, not more', () => {
    expect(parse(['event: ping\n\nretry: 100\n\ndata:  two spaces\n\n'])).toEqual([{ event: 'message', data: ' two spaces', id: null }]);
  });

  test('an event left open when the stream ends is still delivered', () => {
    expect(data(parse(['data: {"x":1}\n\ndata: [DONE]']))).toEqual(['{"x":1}', '[DONE]']);
  });

  test('the same events whatever the pieces the stream arrives in (CRLF, LF, bytes, text)', () => {
    const lf = new TextEncoder().encode(OPENAI_STREAM);
    const crlf = new TextEncoder().encode(OPENAI_STREAM.replaceAll('\n', '\r\n'));
    const whole = data(parse([lf]));
    fc.assert(
      fc.property(fc.boolean(), fc.uniqueArray(fc.integer({ min: 1, max: crlf.length - 1 }), { maxLength: 12 }), fc.boolean(), (useCrlf, cuts, asText) => {
        const bytes = useCrlf ? crlf : lf;
        const points = [0, ...cuts.filter((cut) => cut < bytes.length).sort((a, b) => a - b), bytes.length];
        const pieces = points.slice(1).map((end, index) => bytes.slice(points[index], end));
        // As text, a cut may fall inside a multi-byte character; bytes are the realistic case there.
        const delivered = asText ? [new TextDecoder().decode(bytes)].flatMap((text) => splitText(text, cuts)) : pieces;
        expect(data(parse(delivered))).toEqual(whole);
      }),
    );
  });
});

function splitText(text: string, cuts: number[]): string[] {
  const points = [0, ...cuts.filter((cut) => cut < text.length).sort((a, b) => a - b), text.length];
  return points.slice(1).map((end, index) => text.slice(points[index], end));
}
