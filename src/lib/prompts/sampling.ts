/**
 * Sampling settings as people type them: every value is checked and, when out of range,
 * clamped with a reason the settings panel shows next to the field.
 */
import type { SamplingSettings } from '../engine/protocol';

type Field = keyof SamplingSettings;

export const SAMPLING_LIMITS = {
  temperature: { min: 0, max: 2, step: 0.05 },
  top_p: { min: 0.01, max: 1, step: 0.01 },
  max_tokens: { min: 1, max: 32768, step: 1 },
  presence_penalty: { min: -2, max: 2, step: 0.1 },
  frequency_penalty: { min: -2, max: 2, step: 0.1 },
} as const satisfies Record<Exclude<Field, 'seed'>, { min: number; max: number; step: number }>;

const MAX_SEED = 2 ** 32 - 1;

export interface ValidatedSampling {
  value: SamplingSettings;
  /** Per field, why the value given was changed. */
  notes: Partial<Record<Field, string>>;
}

/**
 * `input` may hold anything a form or an import produced; missing fields come from `base`.
 * `contextWindow` caps max_tokens: an answer cannot be longer than what the model can hold.
 */
export function validateSampling(input: Partial<Record<Field, unknown>>, base: SamplingSettings, contextWindow?: number): ValidatedSampling {
  const value: SamplingSettings = { ...base };
  const notes: Partial<Record<Field, string>> = {};
  for (const [field, limits] of Object.entries(SAMPLING_LIMITS) as Array<[Exclude<Field, 'seed'>, (typeof SAMPLING_LIMITS)[keyof typeof SAMPLING_LIMITS]]>) {
    const raw = input[field];
    if (raw === undefined || raw === '') continue;
    const number = typeof raw === 'number' ? raw : Number(raw);
    if (!Number.isFinite(number)) {
      notes[field] = `Not a number; kept ${value[field]}.`;
      continue;
    }
    let max: number = limits.max;
    if (field === 'max_tokens' && contextWindow) max = Math.min(max, contextWindow);
    let clamped = Math.min(max, Math.max(limits.min, number));
    if (field === 'max_tokens') clamped = Math.round(clamped);
    if (clamped !== number) {
      notes[field] =
        field === 'max_tokens' && contextWindow && number > contextWindow
          ? `The model's context window holds ${contextWindow} tokens; set to ${clamped}.`
          : `Allowed range is ${limits.min} to ${max}; set to ${clamped}.`;
    }
    value[field] = clamped;
  }
  if ('seed' in input) {
    const raw = input.seed;
    if (raw === undefined || raw === null || raw === '') value.seed = undefined;
    else {
      const number = typeof raw === 'number' ? raw : Number(raw);
      if (!Number.isFinite(number)) notes.seed = 'A seed is a whole number; left random.';
      else {
        const seed = Math.min(MAX_SEED, Math.max(0, Math.round(number)));
        if (seed !== number) notes.seed = `A seed is a whole number from 0 to ${MAX_SEED}; set to ${seed}.`;
        value.seed = seed;
      }
    }
  }
  return { value, notes };
}

/** Layers: the app's defaults, the user's, the persona's, then the conversation's own. */
export function effectiveSampling(base: SamplingSettings, ...layers: Array<Partial<SamplingSettings> | undefined>): SamplingSettings {
  let value = { ...base };
  for (const layer of layers) if (layer) value = { ...value, ...definedOnly(layer) };
  return value;
}

function definedOnly(layer: Partial<SamplingSettings>): Partial<SamplingSettings> {
  // `seed: undefined` in a layer means "random", which must override a seed below it.
  return Object.fromEntries(Object.entries(layer).filter(([key, value]) => value !== undefined || key === 'seed')) as Partial<SamplingSettings>;
}
