/**
 * The storage backends repositories run on, for tests that must hold on each: fake-indexeddb
 * (IndexedDB as the browser has it).
 */
import type { UseStore } from 'idb-keyval';
import { freshStore } from '../helpers';

export const STORE_BACKENDS: ReadonlyArray<readonly [string, () => UseStore]> = [['indexeddb', () => freshStore('property')]];
