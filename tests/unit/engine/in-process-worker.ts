/**
 * A Worker stand-in that runs a worker's message handler in this process. Messages are
 * structured-cloned and delivered asynchronously, as across a real worker boundary.
 */
type Listener = (event: { message: string; preventDefault(): void }) => void;

export class InProcessWorker {
  onmessage: ((event: unknown) => void) | null = null;
  terminated = false;
  readonly #errorListeners: Listener[] = [];
  readonly #receive: (data: unknown) => void;

  constructor(createHost: (post: (message: unknown) => void) => { receive(data: unknown): void }) {
    const host = createHost((message) => {
      const copy = structuredClone(message);
      setTimeout(() => {
        if (!this.terminated) this.onmessage?.(copy);
      }, 0);
    });
    this.#receive = (data) => host.receive(data);
  }

  postMessage(message: unknown): void {
    const copy = structuredClone(message);
    setTimeout(() => {
      if (!this.terminated) this.#receive(copy);
    }, 0);
  }

  addEventListener(type: string, listener: Listener): void {
    if (type === 'error') this.#errorListeners.push(listener);
  }

  terminate(): void {
    this.terminated = true;
  }

  /** Simulates the worker dying with an uncaught error. */
  crash(message: string): void {
    this.terminated = true;
    for (const listener of this.#errorListeners) listener({ message, preventDefault: () => {} });
  }

  asWorker(): Worker {
    // Only the members above are used by WebLLM's client and by WebLLMWorkerEngine.
    return this as unknown as Worker;
  }
}
