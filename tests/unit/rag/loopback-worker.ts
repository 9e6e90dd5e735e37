/**
 * A Worker stand-in running a message handler in this process, with structured cloning and
 * asynchronous delivery in both directions, as across a real worker boundary.
 */
type ErrorListener = (event: { message: string; preventDefault(): void }) => void;

export class LoopbackWorker {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  terminated = false;
  received: unknown[] = [];
  readonly #errorListeners: ErrorListener[] = [];
  readonly #receive: (data: unknown) => void;

  constructor(createHost: (post: (message: unknown) => void) => { receive(data: unknown): unknown }) {
    const host = createHost((message) => {
      const data = structuredClone(message);
      setTimeout(() => {
        if (!this.terminated) this.onmessage?.({ data });
      }, 0);
    });
    this.#receive = (data) => void host.receive(data);
  }

  postMessage(message: unknown): void {
    const data = structuredClone(message);
    this.received.push(data);
    setTimeout(() => {
      if (!this.terminated) this.#receive(data);
    }, 0);
  }

  addEventListener(type: string, listener: ErrorListener): void {
    if (type === 'error') this.#errorListeners.push(listener);
  }

  terminate(): void {
    this.terminated = true;
  }

  crash(message: string): void {
    this.terminated = true;
    for (const listener of this.#errorListeners) listener({ message, preventDefault: () => {} });
  }

  asWorker(): Worker {
    // Only the members above are used by RagClient.
    return this as unknown as Worker;
  }
}
