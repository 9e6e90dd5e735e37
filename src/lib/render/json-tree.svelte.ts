/**
 * Which nodes of a JSON tree are open and how many children each shows. Children render only
 * when their parent is open, and at most PAGE_SIZE at a time, so a huge document opens at once.
 */
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { PAGE_SIZE, expansion, type JsonNode } from './json';

/** Opened when a tree first shows: enough to see the document's shape, never a flood of rows. */
const INITIAL = { maxDepth: 2, budget: 200 };

export class JsonTreeState {
  readonly root: JsonNode;
  /** "Expand all" stopped short of opening everything, to stay responsive. */
  partial = $state(false);
  readonly #open: SvelteSet<string>;
  readonly #shown = new SvelteMap<string, number>();

  constructor(root: JsonNode) {
    this.root = root;
    this.#open = new SvelteSet(expansion(root, INITIAL).keys);
  }

  isOpen(key: string): boolean {
    return this.#open.has(key);
  }

  toggle(key: string): void {
    if (this.#open.has(key)) this.#open.delete(key);
    else this.#open.add(key);
  }

  expandAll(): void {
    const { keys, complete } = expansion(this.root);
    for (const key of keys) this.#open.add(key);
    this.partial = !complete;
  }

  /** Closes everything below the root, which stays open so the top level is still visible. */
  collapseAll(): void {
    this.#open.clear();
    this.#open.add('');
    this.#shown.clear();
    this.partial = false;
  }

  /** How many children of `key` are on screen. */
  shown(key: string): number {
    return this.#shown.get(key) ?? PAGE_SIZE;
  }

  showMore(key: string): void {
    this.#shown.set(key, this.shown(key) + PAGE_SIZE);
  }
}
