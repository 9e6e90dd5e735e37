/**
 * The user's own endpoint, in a database of its own (hearth-endpoint) so that nothing else —
 * settings, exports, other features' stores — ever reads or carries the key:
 *
 *   'config' → where the endpoint is, the timeout, and what the PII gate does
 *   'key'    → the API key: sealed with a passphrase (endpoint/envelope.ts), or as typed when
 *              the user chose no passphrase (the UI says it is then stored unencrypted)
 *
 * Forgetting the key deletes its record. Nothing here is ever exported.
 */
import { promisifyRequest, type UseStore } from 'idb-keyval';
import { isSealedSecret, type SealedSecret } from '../endpoint/envelope';
import { PII_POLICIES, type PiiPolicy } from '../endpoint/pii-gate';
import { stamp, upgrade } from './schema';

export interface EndpointConfig {
  /** The API root, e.g. `http://localhost:11434/v1` (see `resolveApiBase`). */
  apiBase: string;
  timeoutSeconds: number;
  piiPolicy: PiiPolicy;
}

export type StoredKey = { kind: 'plain'; key: string } | { kind: 'sealed'; envelope: SealedSecret };

export interface EndpointRecords {
  config: EndpointConfig | null;
  key: StoredKey | null;
}

export const MIN_TIMEOUT_SECONDS = 5;
export const MAX_TIMEOUT_SECONDS = 600;

const isConfig = (value: unknown): value is EndpointConfig => {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Partial<EndpointConfig>;
  return (
    typeof record.apiBase === 'string' &&
    /^https?:\/\//.test(record.apiBase) &&
    typeof record.timeoutSeconds === 'number' &&
    record.timeoutSeconds >= MIN_TIMEOUT_SECONDS &&
    record.timeoutSeconds <= MAX_TIMEOUT_SECONDS &&
    PII_POLICIES.includes(record.piiPolicy as PiiPolicy)
  );
};

const isStoredKey = (value: unknown): value is StoredKey => {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as { kind?: unknown; key?: unknown; envelope?: unknown };
  return (record.kind === 'plain' && typeof record.key === 'string' && record.key.length > 0) || (record.kind === 'sealed' && isSealedSecret(record.envelope));
};

export class EndpointRepository {
  constructor(private readonly store: UseStore) {}

  /** A record in a shape this version does not know reads as absent: the user sets it up again. */
  async load(): Promise<EndpointRecords> {
    const [config, key] = await this.store('readonly', (store) => Promise.all([promisifyRequest(store.get('config')), promisifyRequest(store.get('key'))]));
    const read = (record: unknown, what: string): unknown => (record === undefined ? undefined : upgrade<{ value: unknown }>(record, what).value);
    const configValue = read(config, 'endpoint');
    const keyValue = read(key, 'endpoint key');
    return { config: isConfig(configValue) ? configValue : null, key: isStoredKey(keyValue) ? keyValue : null };
  }

  /** Writes the config and, unless `key` is undefined, the key (null deletes it), in one transaction. */
  async save(config: EndpointConfig, key?: StoredKey | null): Promise<void> {
    await this.store('readwrite', (store) => {
      store.put(stamp({ value: config }), 'config');
      if (key === null) store.delete('key');
      else if (key !== undefined) store.put(stamp({ value: key }), 'key');
      return promisifyRequest(store.transaction);
    });
  }

  async forgetKey(): Promise<void> {
    await this.store('readwrite', (store) => {
      store.delete('key');
      return promisifyRequest(store.transaction);
    });
  }

  /** Removes the endpoint and its key. */
  async clear(): Promise<void> {
    await this.store('readwrite', (store) => {
      store.clear();
      return promisifyRequest(store.transaction);
    });
  }
}
