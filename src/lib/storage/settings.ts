import { promisifyRequest, type UseStore } from 'idb-keyval';
import type { EngineChoice } from '../engine/choice';
import type { SamplingSettings } from '../engine/protocol';

type EngineMode = EngineChoice['kind'];
import { stamp, upgrade } from './schema';

/** App-wide preferences, one record per name. */
export interface Settings {
  /** The engine the user chose; `?engine=` in the URL overrides it for one visit. */
  engine: EngineMode;
  /** The model last loaded with each engine, offered (and loaded, if cached) on the next visit. */
  lastModels: Partial<Record<EngineMode, string>>;
  /** The user's sampling defaults, over the app's (see config.ts). */
  sampling: Partial<SamplingSettings>;
  /** The persona new conversations start with. */
  personaId: string;
}

export const DEFAULT_SETTINGS: Settings = { engine: 'webllm', lastModels: {}, sampling: {}, personaId: 'builtin:hearth' };

const SAMPLING_KEYS: ReadonlyArray<keyof SamplingSettings> = ['temperature', 'top_p', 'max_tokens', 'seed', 'presence_penalty', 'frequency_penalty'];

const ENGINE_MODES: readonly EngineMode[] = ['webllm', 'scripted'];

/** A stored value is used only if it still has the right shape; otherwise the default stands. */
const VALID: { [K in keyof Settings]: (value: unknown) => value is Settings[K] } = {
  engine: (value): value is EngineMode => ENGINE_MODES.includes(value as EngineMode),
  lastModels: (value): value is Settings['lastModels'] =>
    typeof value === 'object' &&
    value !== null &&
    Object.entries(value).every(([mode, id]) => ENGINE_MODES.includes(mode as EngineMode) && typeof id === 'string'),
  personaId: (value): value is string => typeof value === 'string' && value.length > 0,
  sampling: (value): value is Settings['sampling'] =>
    typeof value === 'object' &&
    value !== null &&
    Object.entries(value).every(([key, number]) => SAMPLING_KEYS.includes(key as keyof SamplingSettings) && Number.isFinite(number)),
};

export const isSettingName = (key: unknown): key is keyof Settings => typeof key === 'string' && Object.hasOwn(VALID, key);

/** Whether a value (stored, or from a backup) has the shape setting `name` needs. */
export const isValidSetting = <K extends keyof Settings>(name: K, value: unknown): value is Settings[K] => VALID[name](value);

export class SettingsRepository {
  constructor(private readonly store: UseStore) {}

  async load(): Promise<Settings> {
    const [keys, values] = await this.store('readonly', (store) =>
      Promise.all([promisifyRequest(store.getAllKeys()), promisifyRequest(store.getAll())]),
    );
    const settings: Settings = { ...DEFAULT_SETTINGS };
    keys.forEach((key, index) => {
      if (!isSettingName(key)) return;
      // A record this version cannot read (not a record, or another schema) is one bad setting:
      // its default stands, and the user's other settings are still used.
      let value: unknown;
      try {
        value = upgrade<{ value: unknown }>(values[index], 'setting').value;
      } catch {
        return;
      }
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
