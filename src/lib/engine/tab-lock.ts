/**
 * Only one tab should hold a model on the GPU: two copies of a 2 GB model would not fit many
 * GPUs, and WebGPU would fail the second load in confusing ways. The tab that loads a model
 * holds a Web Lock for as long as the model is loaded; another tab sees it and asks the user
 * whether to move the model (the holder releases it when asked) or leave it where it is.
 */
const LOCK_NAME = 'hearth:gpu-model';
const CHANNEL_NAME = 'hearth-gpu-model';

interface HandoverRequest {
  kind: 'release-please';
}

export class GpuTabLock {
  #release: (() => void) | null = null;
  readonly #channel: BroadcastChannel | null;
  readonly #locks: LockManager | null;

  /** `onHandoverRequested` runs in the holding tab when another tab asks for the model. */
  constructor(onHandoverRequested: () => void) {
    this.#locks = globalThis.navigator?.locks ?? null;
    this.#channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL_NAME);
    if (this.#channel) {
      this.#channel.onmessage = (event: MessageEvent<HandoverRequest>) => {
        if (event.data?.kind === 'release-please' && this.held) onHandoverRequested();
      };
    }
  }

  get held(): boolean {
    return this.#release !== null;
  }

  /** Takes the lock if no other tab holds it, in one request; resolves false, holding nothing, if one does. */
  tryAcquire(): Promise<boolean> {
    return this.#request({ ifAvailable: true });
  }

  /** Resolves once this tab holds the lock; waits while another tab holds it. */
  async acquire(signal?: AbortSignal): Promise<void> {
    await this.#request(signal ? { signal } : {});
  }

  release(): void {
    this.#release?.();
    this.#release = null;
  }

  /** Whether the lock was granted; once granted, it is held until `release`. */
  #request(options: LockOptions): Promise<boolean> {
    const locks = this.#locks;
    if (!locks || this.held) return Promise.resolve(true);
    return new Promise((resolve, rejected) => {
      locks
        .request(LOCK_NAME, options, (lock) => {
          resolve(lock !== null);
          return lock === null ? undefined : new Promise<void>((release) => (this.#release = release));
        })
        .catch(rejected);
    });
  }

  /** Asks the tab holding the model to let it go. */
  requestHandover(): void {
    this.#channel?.postMessage({ kind: 'release-please' } satisfies HandoverRequest);
  }

  dispose(): void {
    this.release();
    this.#channel?.close();
  }
}
