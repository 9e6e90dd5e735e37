/**
 * PromptRepository against a model: templates (with all their versions) and personas come back
 * exactly as saved, whatever their text, after any sequence of saves and deletions; a template
 * and a persona with the same id never touch each other.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { AVATAR_ICONS, type Persona } from '../../../src/lib/prompts/personas';
import type { PromptTemplate } from '../../../src/lib/prompts/versions';
import { PromptRepository } from '../../../src/lib/storage/prompts';
import { anyId, awkwardText, storedText } from './arbitraries';
import { STORE_BACKENDS } from './backends';

const IDS = 4;

const template: fc.Arbitrary<Omit<PromptTemplate, 'id'>> = fc.record(
  {
    name: storedText,
    createdAt: fc.integer({ min: 0, max: 10 }),
    updatedAt: fc.integer({ min: 0, max: 10 }),
    versions: fc.array(
      fc.record(
        { version: fc.integer({ min: 1, max: 50 }), body: storedText, createdAt: fc.nat(), note: awkwardText },
        { requiredKeys: ['version', 'body', 'createdAt'], noNullPrototype: true },
      ),
      { minLength: 1, maxLength: 3 },
    ),
  },
  { noNullPrototype: true },
);

const persona: fc.Arbitrary<Omit<Persona, 'id'>> = fc.record(
  {
    name: storedText,
    avatar: fc.oneof(
      fc.record({ kind: fc.constant('emoji' as const), emoji: awkwardText }, { noNullPrototype: true }),
      fc.record({ kind: fc.constant('icon' as const), icon: fc.constantFrom(...AVATAR_ICONS) }, { noNullPrototype: true }),
      fc.record({ kind: fc.constant('image' as const), dataUrl: storedText.map((text) => `data:image/png;base64,${text}`) }, { noNullPrototype: true }),
    ),
    hue: fc.integer({ min: 0, max: 360 }),
    systemPrompt: storedText,
    sampling: fc.record({ temperature: fc.double({ min: 0, max: 2, noNaN: true }), seed: fc.integer() }, { requiredKeys: [], noNullPrototype: true }),
    builtIn: fc.boolean(),
    createdAt: fc.integer({ min: 0, max: 10 }),
    updatedAt: fc.nat(),
  },
  { noNullPrototype: true },
);

type Op =
  | { kind: 'save'; templates: Array<[number, Omit<PromptTemplate, 'id'>]>; personas: Array<[number, Omit<Persona, 'id'>]> }
  | { kind: 'deleteTemplate'; slot: number }
  | { kind: 'deletePersona'; slot: number };

const slot = fc.nat(IDS - 1);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('save' as const),
      templates: fc.array(fc.tuple(slot, template), { maxLength: 3 }),
      personas: fc.array(fc.tuple(slot, persona), { maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteTemplate' as const), slot }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deletePersona' as const), slot }) },
);

/** IndexedDB key order for string ids: UTF-16 code units. */
const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe.each(STORE_BACKENDS)('PromptRepository round trips (%s)', (_name, freshStore) => {
  test('templates and personas come back exactly as saved, in their documented order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(anyId, { minLength: IDS, maxLength: IDS }), fc.array(op, { minLength: 1, maxLength: 10 }), async (ids, ops) => {
        const repo = new PromptRepository(freshStore());
        const templates = new Map<string, PromptTemplate>();
        const personas = new Map<string, Persona>();
        for (const step of ops) {
          if (step.kind === 'save') {
            const savedTemplates = step.templates.map(([index, value]) => ({ ...value, id: ids[index] as string }));
            const savedPersonas = step.personas.map(([index, value]) => ({ ...value, id: ids[index] as string }));
            await repo.save({ templates: savedTemplates, personas: savedPersonas });
            for (const item of savedTemplates) templates.set(item.id, item);
            for (const item of savedPersonas) personas.set(item.id, item);
          } else if (step.kind === 'deleteTemplate') {
            await repo.deleteTemplate(ids[step.slot] as string);
            templates.delete(ids[step.slot] as string);
          } else {
            await repo.deletePersona(ids[step.slot] as string);
            personas.delete(ids[step.slot] as string);
          }
          // Newest template first; personas in creation order; ties keep key (id) order.
          expect(await repo.templates()).toStrictEqual([...templates.values()].sort(byId).sort((a, b) => b.updatedAt - a.updatedAt));
          expect(await repo.personas()).toStrictEqual([...personas.values()].sort(byId).sort((a, b) => a.createdAt - b.createdAt));
        }
      }),
      { numRuns: 60 },
    );
  });
});
