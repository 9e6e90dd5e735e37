/**
 * Which answers are still being written, across tabs. A tab holds a Web Lock named after the
 * message for as long as it streams it; an answer stored as `streaming` whose lock nobody holds
 * was cut off by a closed tab or a crash, and is shown as interrupted.
 */
const lockName = (messageId: string): string => `hearth:streaming:${messageId}`;

const locks = (): LockManager | undefined => (typeof navigator === 'undefined' ? undefined : navigator.locks);

/** Holds the message's lock until `work` settles. Without Web Locks, just runs the work. */
export function holdWhileStreaming<T>(messageId: string, work: () => Promise<T>): Promise<T> {
  const manager = locks();
  if (!manager) return work();
  return manager.request(lockName(messageId), work);
}

export async function isStreamingElsewhere(messageId: string): Promise<boolean> {
  const manager = locks();
  if (!manager) return false;
  const { held = [] } = await manager.query();
  return held.some((lock) => lock.name === lockName(messageId));
}
