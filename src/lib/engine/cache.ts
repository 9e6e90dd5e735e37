/**
 * The browser's model cache: which models are downloaded, how much room they take, how much
 * is left, and whether the browser may evict them. Each engine keeps its files its own way;
 * `ModelCache` hides that from the UI.
 */
import { formatBytes } from './models';

export interface CachedModel {
  id: string;
  bytes: number;
  /** False for a download that stopped part-way (it resumes from here). */
  complete: boolean;
}

export interface StorageStatus {
  usageBytes: number | null;
  quotaBytes: number | null;
  /** Whether the browser promised not to evict this site's data; null when it cannot say. */
  persisted: boolean | null;
}

export interface ModelCache {
  list(): Promise<CachedModel[]>;
  has(modelId: string): Promise<boolean>;
  delete(modelId: string): Promise<void>;
  storage(): Promise<StorageStatus>;
}

export async function browserStorageStatus(storage: StorageManager | undefined = globalThis.navigator?.storage): Promise<StorageStatus> {
  if (!storage) return { usageBytes: null, quotaBytes: null, persisted: null };
  const [estimate, persisted] = await Promise.all([
    storage.estimate().catch(() => ({}) as StorageEstimate),
    storage.persisted ? storage.persisted().catch(() => null) : Promise.resolve(null),
  ]);
  return { usageBytes: estimate.usage ?? null, quotaBytes: estimate.quota ?? null, persisted };
}

/** Asks the browser to keep this site's data under storage pressure. Returns whether it agreed. */
export async function requestPersistentStorage(storage: StorageManager | undefined = globalThis.navigator?.storage): Promise<boolean> {
  if (!storage?.persist) return false;
  return storage.persist().catch(() => false);
}

/** Leave this much of the quota free: browsers start evicting, and other writes fail, near the limit. */
const HEADROOM = 0.05;

export type QuotaVerdict = { ok: true } | { ok: false; neededBytes: number; freeBytes: number; message: string };

/** Whether a download of `neededBytes` fits the storage the browser grants this site. */
export function checkQuota(neededBytes: number, status: StorageStatus): QuotaVerdict {
  if (status.quotaBytes === null || status.usageBytes === null || neededBytes <= 0) return { ok: true };
  const freeBytes = Math.max(0, status.quotaBytes * (1 - HEADROOM) - status.usageBytes);
  if (neededBytes <= freeBytes) return { ok: true };
  return {
    ok: false,
    neededBytes,
    freeBytes,
    message:
      `This model needs about ${formatBytes(neededBytes)} of storage, but the browser allows this site only about ` +
      `${formatBytes(freeBytes)} more. Delete downloaded models you no longer use, or free disk space, then try again.`,
  };
}
