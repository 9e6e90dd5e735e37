import { promisifyRequest, type UseStore } from 'idb-keyval';
import type { EngineKind } from '../engine/protocol';
import { stamp, upgrade } from './schema';

/** App-wide preferences, one record per name. */
export interface Settings {
  /** The engine the user chose; `?engine=` in the URL overrides it for one visit. */
  engine: EngineKind;
  /** The model last loaded with each engine, offered (and loaded, if cached) on the next visit. */
  lastModels: Partial<Record<EngineKind, string>>;
  /** A fixed sampling seed makes answers reproducible, and so cacheable; null lets the engine choose. */
  seed: number | null;
}

export const DEFAULT_SETTINGS: Settings = { engine: 'webllm', lastModels: {}, seed: null };

const ENGINE_KINDS: readonly EngineKind[] = ['webllm', 'scripted'];

/** A stored value is used only if it still has the right shape; otherwise the default stands. */
const VALID: { [K in keyof Settings]: (value: unknown) => value is Settings[K] } = {
  engine: (value): value is EngineKind => ENGINE_KINDS.includes(value as EngineKind),
  lastModels: (value): value is Settings['lastModels'] =>
    typeof value === 'object' &&
    value !== null &&
    Object.entries(value).every(([kind, id]) => ENGINE_KINDS.includes(kind as EngineKind) && typeof id === 'string'),
  seed: (value): value is number | null => value === null || (typeof value === 'number' && Number.isSafeInteger(value)),
};

const isSettingName = (key: IDBValidKey): key is keyof Settings => typeof key === 'string' && key in VALID;

export class SettingsRepository {
  constructor(private readonly store: UseStore) {}

  async load(): Promise<Settings> {
    const [keys, values] = await this.store('readonly', (store) =>
      Promise.all([promisifyRequest(store.getAllKeys()), promisifyRequest(store.getAll())]),
    );
    const settings: Settings = { ...DEFAULT_SETTINGS };
    keys.forEach((key, index) => {
      if (!isSettingName(key)) return;
      const { value } = upgrade<{ value: unknown }>(values[index], 'setting');
      if (VALID[key](value)) Object.assign(settings, { [key]: value });
    });
    return settings;
  }

  async set<K extends keyof Settings>(name: K, value: Settings[K]): Promise<void> {
    await this.store('readwrite', (store) => {
      store.put(stamp({ value }), name);
      return promisifyRequest(store.transaction);
    });
  }
}
