/**
 * A Server-Sent Events parser (the WHATWG `text/event-stream` format), pure and incremental:
 * feed it the response body in whatever pieces the network delivers — split mid-line, mid-CRLF
 * or mid-character — and it returns the events completed so far. OpenAI-compatible servers
 * stream chat completions this way: one `data: {json}` event per chunk, then `data: [DONE]`.
 *
 * Follows the spec's line rules: LF, CRLF and lone CR all end a line; a line starting with `:`
 * is a comment (servers send them as keep-alives); `field: value` drops one space after the
 * colon; several `data:` lines make one event joined by LF; a blank line dispatches; an event
 * with no data is not dispatched. One deliberate leniency: an event still open when the stream
 * ends is delivered (the spec discards it), because some servers omit the final blank line.
 */

export interface SseEvent {
  /** The `event:` field; "message" when the server gave none. */
  event: string;
  data: string;
  /** The last `id:` seen in the stream, or null. */
  id: string | null;
}

export class SseParser {
  readonly #decoder = new TextDecoder('utf-8');
  #buffer = '';
  /** The previous piece ended in CR: an LF starting the next piece is the rest of that CRLF. */
  #afterCR = false;
  #started = false;
  #data: string[] = [];
  #event = '';
  #id: string | null = null;

  /** Feeds a piece of the stream (bytes from the network, or text); returns the events it completed. */
  push(piece: Uint8Array | string): SseEvent[] {
    let text = typeof piece === 'string' ? piece : this.#decoder.decode(piece, { stream: true });
    if (!this.#started && text.length > 0) {
      this.#started = true;
      // TextDecoder drops a byte-order mark itself; text handed in directly may still carry one.
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    if (this.#afterCR && text.startsWith('\n')) text = text.slice(1);
    if (text.length > 0) this.#afterCR = false;
    this.#buffer += text;
    return this.#drain();
  }

  /** The stream ended: returns what is left, including an event that lacked its closing blank line. */
  end(): SseEvent[] {
    const events = this.push(this.#decoder.decode());
    if (this.#buffer.length > 0) {
      this.#line(this.#buffer, events);
      this.#buffer = '';
    }
    this.#dispatch(events);
    return events;
  }

  #drain(): SseEvent[] {
    const events: SseEvent[] = [];
    let start = 0;
    for (let index = 0; index < this.#buffer.length; index++) {
      const char = this.#buffer[index];
      if (char !== '\n' && char !== '\r') continue;
      this.#line(this.#buffer.slice(start, index), events);
      if (char === '\r') {
        if (index + 1 === this.#buffer.length) this.#afterCR = true;
        else if (this.#buffer[index + 1] === '\n') index++;
      }
      start = index + 1;
    }
    this.#buffer = this.#buffer.slice(start);
    return events;
  }

  #line(line: string, events: SseEvent[]): void {
    if (line === '') return this.#dispatch(events);
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.#data.push(value);
        return;
      case 'event':
        this.#event = value;
        return;
      case 'id':
        if (!value.includes('\0')) this.#id = value;
        return;
      // `retry:` (reconnection delay) and unknown fields mean nothing to a one-shot request.
    }
  }

  #dispatch(events: SseEvent[]): void {
    if (this.#data.length > 0) events.push({ event: this.#event || 'message', data: this.#data.join('\n'), id: this.#id });
    this.#data = [];
    this.#event = '';
  }
}
