/**
 * Templates and personas, one IndexedDB store:
 *   ['template', id] → PromptTemplate (all its versions)
 *   ['persona', id]  → Persona (the user's own; built-in ones ship with the app)
 */
import { promisifyRequest, type UseStore } from 'idb-keyval';
import type { Persona } from '../prompts/personas';
import type { PromptTemplate } from '../prompts/versions';
import { prefixRange } from './keys';
import { stamp, upgrade } from './schema';

export const templateKey = (id: string): IDBValidKey[] => ['template', id];
export const personaKey = (id: string): IDBValidKey[] => ['persona', id];

export class PromptRepository {
  constructor(private readonly store: UseStore) {}

  async templates(): Promise<PromptTemplate[]> {
    const records = await this.store('readonly', (store) => promisifyRequest(store.getAll(prefixRange('template'))));
    return records.map((record) => upgrade<PromptTemplate>(record, 'template')).sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async personas(): Promise<Persona[]> {
    const records = await this.store('readonly', (store) => promisifyRequest(store.getAll(prefixRange('persona'))));
    return records.map((record) => upgrade<Persona>(record, 'persona')).sort((a, b) => a.createdAt - b.createdAt);
  }

  /** Writes templates and personas in one transaction: all of them, or none. */
  async save(items: { templates?: readonly PromptTemplate[]; personas?: readonly Persona[] }): Promise<void> {
    await this.store('readwrite', (store) => {
      for (const template of items.templates ?? []) store.put(stamp(template), templateKey(template.id));
      for (const persona of items.personas ?? []) store.put(stamp(persona), personaKey(persona.id));
      return promisifyRequest(store.transaction);
    });
  }

  async deleteTemplate(id: string): Promise<void> {
    await this.#delete(templateKey(id));
  }

  async deletePersona(id: string): Promise<void> {
    await this.#delete(personaKey(id));
  }

  async #delete(key: IDBValidKey[]): Promise<void> {
    await this.store('readwrite', (store) => {
      store.delete(key);
      return promisifyRequest(store.transaction);
    });
  }
}
