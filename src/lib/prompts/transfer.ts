/**
 * Export and import of templates and personas. An import is checked completely before
 * anything is written: one bad record rejects the file, with a message saying which and why.
 */
import { personaProblems, type Persona } from './personas';
import { TemplateSyntaxError, parseTemplate } from './template';
import type { PromptTemplate } from './versions';

export const PROMPTS_FORMAT = 'hearth-prompts';
export const PROMPTS_FORMAT_VERSION = 1;

export interface PromptsExport {
  format: typeof PROMPTS_FORMAT;
  version: number;
  exportedAt: string;
  templates: PromptTemplate[];
  personas: Persona[];
}

export class PromptsImportError extends Error {
  override readonly name = 'PromptsImportError';
}

export function exportPrompts(templates: readonly PromptTemplate[], personas: readonly Persona[], now: Date): PromptsExport {
  return {
    format: PROMPTS_FORMAT,
    version: PROMPTS_FORMAT_VERSION,
    exportedAt: now.toISOString(),
    templates: [...templates],
    // Built-in personas ship with the app; only the user's own are theirs to move.
    personas: personas.filter((persona) => !persona.builtIn),
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Parses and checks an export file's text; throws PromptsImportError naming the first problem. */
export function parsePromptsImport(text: string): { templates: PromptTemplate[]; personas: Persona[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new PromptsImportError('This file is not valid JSON: it may be truncated or not a Hearth export.');
  }
  if (!isObject(data) || data.format !== PROMPTS_FORMAT) throw new PromptsImportError('This is not a Hearth templates and personas export.');
  if (!isNumber(data.version) || data.version > PROMPTS_FORMAT_VERSION) {
    throw new PromptsImportError(`This export is version ${String(data.version)}; this Hearth reads version ${PROMPTS_FORMAT_VERSION} or older.`);
  }
  if (!Array.isArray(data.templates) || !Array.isArray(data.personas)) throw new PromptsImportError('The export lists no templates or personas.');
  const templates = data.templates.map((raw, index) => checkTemplate(raw, index));
  const personas = data.personas.map((raw, index) => checkPersona(raw, index));
  return { templates, personas };
}

function checkTemplate(raw: unknown, index: number): PromptTemplate {
  const where = `Template ${index + 1}`;
  if (!isObject(raw) || !isString(raw.id) || !isString(raw.name) || !isNumber(raw.createdAt) || !isNumber(raw.updatedAt)) {
    throw new PromptsImportError(`${where} is missing its id, name or dates.`);
  }
  if (!Array.isArray(raw.versions) || raw.versions.length === 0) throw new PromptsImportError(`${where} (“${raw.name}”) has no versions.`);
  const versions = raw.versions.map((version, position) => {
    if (!isObject(version) || !isNumber(version.version) || !isString(version.body) || !isNumber(version.createdAt)) {
      throw new PromptsImportError(`${where} (“${raw.name}”) has a malformed version ${position + 1}.`);
    }
    try {
      parseTemplate(version.body);
    } catch (error) {
      if (error instanceof TemplateSyntaxError) throw new PromptsImportError(`${where} (“${raw.name}”), version ${version.version}: ${error.message}`);
      throw error;
    }
    return { version: version.version, body: version.body, createdAt: version.createdAt, ...(isString(version.note) ? { note: version.note } : {}) };
  });
  const numbers = versions.map((version) => version.version);
  if (numbers.some((number, position) => position > 0 && number <= (numbers[position - 1] ?? 0))) {
    throw new PromptsImportError(`${where} (“${raw.name}”) lists its versions out of order.`);
  }
  return { id: raw.id, name: raw.name, createdAt: raw.createdAt, updatedAt: raw.updatedAt, versions };
}

function checkPersona(raw: unknown, index: number): Persona {
  const where = `Persona ${index + 1}`;
  if (!isObject(raw) || !isString(raw.id) || !isString(raw.name) || !isString(raw.systemPrompt) || !isObject(raw.avatar) || !isObject(raw.sampling)) {
    throw new PromptsImportError(`${where} is missing its id, name, avatar, system prompt or settings.`);
  }
  const persona = {
    id: raw.id,
    name: raw.name,
    avatar: raw.avatar as Persona['avatar'],
    hue: isNumber(raw.hue) ? raw.hue : 20,
    systemPrompt: raw.systemPrompt,
    sampling: Object.fromEntries(Object.entries(raw.sampling).filter(([, value]) => isNumber(value))) as Persona['sampling'],
    builtIn: false,
    createdAt: isNumber(raw.createdAt) ? raw.createdAt : 0,
    updatedAt: isNumber(raw.updatedAt) ? raw.updatedAt : 0,
  } satisfies Persona;
  const problems = personaProblems(persona);
  if (problems.length > 0) throw new PromptsImportError(`${where} (“${raw.name}”): ${problems.join(' ')}`);
  return persona;
}
