/** Short notices at the edge of the screen, optionally with one action (e.g. Undo). */
export type ToastTone = 'info' | 'success' | 'error';

export interface Toast {
  id: number;
  message: string;
  tone: ToastTone;
  action?: { label: string; run: () => void };
}

export interface ToastOptions {
  tone?: ToastTone;
  action?: Toast['action'];
  /** 0 keeps the toast until dismissed. */
  durationMs?: number;
}

const DEFAULT_DURATION_MS = 5000;

export class Toasts {
  items: Toast[] = $state([]);
  #nextId = 1;
  readonly #timers = new Map<number, ReturnType<typeof setTimeout>>();

  show(message: string, options: ToastOptions = {}): number {
    const id = this.#nextId++;
    const toast: Toast = { id, message, tone: options.tone ?? 'info' };
    if (options.action) toast.action = options.action;
    this.items.push(toast);
    const duration = options.durationMs ?? DEFAULT_DURATION_MS;
    if (duration > 0) this.#timers.set(id, setTimeout(() => this.dismiss(id), duration));
    return id;
  }

  dismiss(id: number): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    this.items = this.items.filter((toast) => toast.id !== id);
  }

  /** Runs a toast's action once and removes the toast. */
  act(id: number): void {
    const toast = this.items.find((item) => item.id === id);
    this.dismiss(id);
    toast?.action?.run();
  }
}
