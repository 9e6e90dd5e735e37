/**
 * The user's prompt library: templates (with every version) and personas (built-in and their
 * own), loaded once and saved on every change.
 */
import type { PromptRepository } from '../storage/prompts';
import { BUILT_IN_PERSONAS, DEFAULT_PERSONA_ID, duplicatePersona, personaProblems, type Persona } from './personas';
import { exportPrompts, parsePromptsImport, type PromptsExport } from './transfer';
import { createTemplate, revertTo, saveVersion, type PromptTemplate } from './versions';

export interface LibraryDeps {
  repo: PromptRepository;
  now?: () => number;
  newId?: () => string;
}

export class PromptLibrary {
  templates: PromptTemplate[] = $state.raw([]);
  #ownPersonas: Persona[] = $state.raw([]);
  readonly personas: Persona[] = $derived([...BUILT_IN_PERSONAS, ...this.#ownPersonas]);

  readonly #repo: PromptRepository;
  readonly #now: () => number;
  readonly #newId: () => string;

  constructor(deps: LibraryDeps) {
    this.#repo = deps.repo;
    this.#now = deps.now ?? Date.now;
    this.#newId = deps.newId ?? (() => crypto.randomUUID());
  }

  async load(): Promise<void> {
    const [templates, personas] = await Promise.all([this.#repo.templates(), this.#repo.personas()]);
    this.templates = templates;
    this.#ownPersonas = personas;
  }

  persona(id: string | undefined): Persona {
    return this.personas.find((persona) => persona.id === id) ?? (BUILT_IN_PERSONAS.find((persona) => persona.id === DEFAULT_PERSONA_ID) as Persona);
  }

  template(id: string): PromptTemplate | undefined {
    return this.templates.find((template) => template.id === id);
  }

  async createTemplate(name: string, body: string): Promise<PromptTemplate> {
    const template = createTemplate({ id: this.#newId(), name, body, now: this.#now() });
    await this.#saveTemplate(template);
    return template;
  }

  /** Saves an edit as a new version (the template syntax is checked first). */
  async editTemplate(id: string, edit: { name?: string; body: string }): Promise<PromptTemplate> {
    const template = this.#requireTemplate(id);
    const next = saveVersion(template, { ...edit, now: this.#now() });
    if (next !== template) await this.#saveTemplate(next);
    return next;
  }

  async revertTemplate(id: string, version: number): Promise<PromptTemplate> {
    const next = revertTo(this.#requireTemplate(id), version, this.#now());
    await this.#saveTemplate(next);
    return next;
  }

  async deleteTemplate(id: string): Promise<void> {
    await this.#repo.deleteTemplate(id);
    this.templates = this.templates.filter((template) => template.id !== id);
  }

  /** Creates or updates one of the user's personas; throws with the problems when it is invalid. */
  async savePersona(persona: Persona): Promise<Persona> {
    if (persona.builtIn) throw new Error('Built-in personas cannot be changed; duplicate one instead.');
    const problems = personaProblems(persona);
    if (problems.length > 0) throw new Error(problems.join(' '));
    const saved = { ...persona, updatedAt: this.#now() };
    await this.#repo.save({ personas: [saved] });
    const others = this.#ownPersonas.filter((item) => item.id !== saved.id);
    this.#ownPersonas = [...others, saved].sort((a, b) => a.createdAt - b.createdAt);
    return saved;
  }

  newPersona(): Persona {
    const now = this.#now();
    return {
      id: this.#newId(),
      name: '',
      avatar: { kind: 'emoji', emoji: '🙂' },
      hue: 200,
      systemPrompt: '',
      sampling: {},
      builtIn: false,
      createdAt: now,
      updatedAt: now,
    };
  }

  async duplicatePersona(id: string): Promise<Persona> {
    return this.savePersona(duplicatePersona(this.persona(id), this.#newId(), this.#now()));
  }

  async deletePersona(id: string): Promise<void> {
    await this.#repo.deletePersona(id);
    this.#ownPersonas = this.#ownPersonas.filter((persona) => persona.id !== id);
  }

  export(): PromptsExport {
    return exportPrompts(this.templates, this.personas, new Date(this.#now()));
  }

  /**
   * Imports an export file: everything is checked before anything is written, then written in
   * one transaction. Items whose id already exists become copies rather than overwriting.
   */
  async import(text: string): Promise<{ templates: number; personas: number }> {
    const parsed = parsePromptsImport(text);
    const templateIds = new Set(this.templates.map((template) => template.id));
    const personaIds = new Set(this.personas.map((persona) => persona.id));
    const templates = parsed.templates.map((template) =>
      templateIds.has(template.id) ? { ...template, id: this.#newId(), name: `${template.name} (imported)` } : template,
    );
    const personas = parsed.personas.map((persona) =>
      personaIds.has(persona.id) ? { ...persona, id: this.#newId(), name: `${persona.name} (imported)` } : persona,
    );
    await this.#repo.save({ templates, personas });
    await this.load();
    return { templates: templates.length, personas: personas.length };
  }

  #requireTemplate(id: string): PromptTemplate {
    const template = this.template(id);
    if (!template) throw new Error('That template no longer exists.');
    return template;
  }

  async #saveTemplate(template: PromptTemplate): Promise<void> {
    await this.#repo.save({ templates: [template] });
    this.templates = [template, ...this.templates.filter((item) => item.id !== template.id)];
  }
}
