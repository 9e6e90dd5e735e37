/**
 * Imported first by main.ts, so it runs before any other module of the app: narrows the page's
 * connections to the configured endpoint before anything could connect (see config/csp.ts).
 */
import { applyEndpointPolicy } from './csp';

let storage: Storage | null = null;
try {
  storage = globalThis.localStorage;
} catch {
  // Storage disabled: no endpoint origin is allowed.
}
applyEndpointPolicy(document, storage);
