/**
 * How tabs share the guard's state without double-spending it. Every read-modify-write of the
 * shared records runs under one Web Lock; each running generation holds a lock of its own, so a
 * reservation whose lock nobody holds belongs to a tab that closed or crashed; and a
 * BroadcastChannel tells the other tabs to re-read (IndexedDB stays the one source of truth).
 *
 * `memoryCoordination` is the same contract inside one JavaScript realm: instances made from one
 * hub behave like tabs of one browser, which is how the tests model two tabs.
 */
export interface Coordination {
  /** Runs `work` while no other tab runs guard work. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Marks a reservation as alive until the returned function is called or the tab goes away. */
  hold(id: string): Promise<() => void>;
  /** The reservations some tab is holding now. */
  held(): Promise<ReadonlySet<string>>;
  /** Tells the other tabs that the shared state changed. */
  announce(): void;
  /** Calls `listener` when another tab announces a change; returns a function that stops listening. */
  listen(listener: () => void): () => void;
  close(): void;
}

const EXCLUSIVE_LOCK = 'hearth:guard';
const HOLD_PREFIX = 'hearth:guard:reservation:';
const CHANNEL = 'hearth-guard';

interface ChangedMessage {
  kind: 'guard-changed';
}

/** Web Locks and BroadcastChannel; without Web Locks, locks only cover this tab. */
export function browserCoordination(): Coordination {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  const local = memoryCoordination();
  const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);
  const listeners = new Set<() => void>();
  if (channel) {
    channel.onmessage = (event: MessageEvent<ChangedMessage>) => {
      if (event.data?.kind === 'guard-changed') for (const listener of listeners) listener();
    };
  }
  return {
    exclusive: (work) => (locks ? locks.request(EXCLUSIVE_LOCK, work) : local.exclusive(work)),
    hold: (id) => {
      if (!locks) return local.hold(id);
      return new Promise((granted, refused) => {
        // The name is unique, so this is granted at once; the lock lives until `release` runs.
        locks
          .request(`${HOLD_PREFIX}${id}`, () => new Promise<void>((release) => granted(release)))
          .catch(refused);
      });
    },
    held: async () => {
      if (!locks) return local.held();
      const { held = [] } = await locks.query();
      const names = held.map((lock) => lock.name ?? '').filter((name) => name.startsWith(HOLD_PREFIX));
      return new Set(names.map((name) => name.slice(HOLD_PREFIX.length)));
    },
    announce: () => channel?.postMessage({ kind: 'guard-changed' } satisfies ChangedMessage),
    listen: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => {
      listeners.clear();
      channel?.close();
    },
  };
}

/** What a set of in-memory "tabs" share. */
export class MemoryHub {
  tail: Promise<unknown> = Promise.resolve();
  readonly holds = new Set<string>();
  readonly tabs = new Set<Set<() => void>>();
}

export function memoryCoordination(hub: MemoryHub = new MemoryHub()): Coordination {
  const listeners = new Set<() => void>();
  hub.tabs.add(listeners);
  return {
    exclusive: <T>(work: () => Promise<T>): Promise<T> => {
      const run = hub.tail.then(work);
      // The next caller waits for this one whether it succeeds or fails.
      hub.tail = run.catch(() => {});
      return run;
    },
    hold: async (id) => {
      hub.holds.add(id);
      return () => void hub.holds.delete(id);
    },
    held: async () => new Set(hub.holds),
    announce: () => {
      for (const tab of hub.tabs) if (tab !== listeners) for (const listener of tab) queueMicrotask(listener);
    },
    listen: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => {
      listeners.clear();
      hub.tabs.delete(listeners);
    },
  };
}
