import { describe, expect, test } from 'vitest';
import { BUILT_IN_PERSONAS, duplicatePersona, personaProblems, type Persona } from '../../../src/lib/prompts/personas';
import { PromptsImportError, exportPrompts, parsePromptsImport } from '../../../src/lib/prompts/transfer';
import { createTemplate, saveVersion } from '../../../src/lib/prompts/versions';
import { PromptRepository } from '../../../src/lib/storage/prompts';
import { freshStore } from '../helpers';

const mine = (overrides: Partial<Persona> = {}): Persona => ({
  ...duplicatePersona(BUILT_IN_PERSONAS[1]!, 'p1', 5),
  name: 'Reviewer',
  ...overrides,
});

describe('personas', () => {
  test('built-in personas are valid and distinct', () => {
    expect(BUILT_IN_PERSONAS.length).toBeGreaterThanOrEqual(4);
    for (const persona of BUILT_IN_PERSONAS) expect(personaProblems(persona), persona.name).toEqual([]);
    expect(new Set(BUILT_IN_PERSONAS.map((persona) => persona.id)).size).toBe(BUILT_IN_PERSONAS.length);
  });

  test('duplicates are the user’s own', () => {
    const copy = duplicatePersona(BUILT_IN_PERSONAS[0]!, 'x', 9);
    expect(copy).toMatchObject({ id: 'x', builtIn: false, name: 'Hearth (copy)', createdAt: 9 });
  });

  test('problems are reported in words', () => {
    expect(personaProblems(mine({ name: ' ' }))).toContain('A persona needs a name.');
    expect(personaProblems(mine({ avatar: { kind: 'emoji', emoji: '' } }))).toContain('Pick a single emoji as the avatar.');
    expect(personaProblems(mine({ avatar: { kind: 'image', dataUrl: 'https://evil.test/a.png' } }))[0]).toMatch(/PNG, JPEG or WebP/);
    expect(personaProblems(mine({ avatar: { kind: 'image', dataUrl: `data:image/png;base64,${'A'.repeat(70_000)}` } }))[0]).toMatch(/too large/);
    expect(personaProblems(mine({ avatar: { kind: 'image', dataUrl: 'data:image/png;base64,iVBORw0KGgo=' } }))).toEqual([]);
  });
});

describe('export and import', () => {
  const template = saveVersion(createTemplate({ id: 't1', name: 'Tips', body: 'Give {{n:number}} tips', now: 1 }), { body: 'Give {{n:number}} short tips', now: 2 });

  test('round-trips templates with their versions and the user’s personas only', () => {
    const data = exportPrompts([template], [...BUILT_IN_PERSONAS, mine()], new Date(0));
    expect(data.personas.map((persona) => persona.id)).toEqual(['p1']);
    expect(parsePromptsImport(JSON.stringify(data))).toEqual({ templates: [template], personas: [mine()] });
  });

  test.each([
    ['{"format": "hearth-prompts", "versi', /not valid JSON/],
    ['{"format": "something-else", "version": 1}', /not a Hearth templates and personas export/],
    ['{"format": "hearth-prompts", "version": 99, "templates": [], "personas": []}', /version 99/],
    ['{"format": "hearth-prompts", "version": 1, "templates": [{"id": "x"}], "personas": []}', /Template 1 is missing/],
    [
      '{"format": "hearth-prompts", "version": 1, "templates": [{"id": "x", "name": "X", "createdAt": 1, "updatedAt": 1, "versions": [{"version": 1, "body": "{{oops", "createdAt": 1}]}], "personas": []}',
      /\(“X”\), version 1: The placeholder .* not closed/,
    ],
    [
      '{"format": "hearth-prompts", "version": 1, "templates": [], "personas": [{"id": "p", "name": "P", "systemPrompt": "", "sampling": {}, "avatar": {"kind": "image", "dataUrl": "javascript:alert(1)"}}]}',
      /Persona 1 .*PNG, JPEG or WebP/,
    ],
  ])('rejects a bad file before writing anything (%#)', (text, message) => {
    expect(() => parsePromptsImport(text)).toThrow(PromptsImportError);
    expect(() => parsePromptsImport(text)).toThrow(message);
  });
});

describe('PromptRepository', () => {
  test('stores templates newest first and personas, and deletes them', async () => {
    const repo = new PromptRepository(freshStore());
    const older = createTemplate({ id: 'a', name: 'A', body: 'a', now: 1 });
    const newer = createTemplate({ id: 'b', name: 'B', body: 'b', now: 2 });
    await repo.save({ templates: [older, newer], personas: [mine()] });
    expect((await repo.templates()).map((item) => item.id)).toEqual(['b', 'a']);
    expect(await repo.personas()).toEqual([mine()]);
    await repo.deleteTemplate('a');
    await repo.deletePersona('p1');
    expect((await repo.templates()).map((item) => item.id)).toEqual(['b']);
    expect(await repo.personas()).toEqual([]);
  });
});
