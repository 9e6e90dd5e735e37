/**
 * The Content-Security-Policy, injected into index.html by vite.config.ts.
 *
 * Scripts, workers and styles come only from the app itself. Model output can load nothing:
 * images only from the app or data:/blob: URLs it made itself, no frames, no objects, no forms.
 * Remote connections go to WebLLM's model hosts (weights from Hugging Face, compiled model
 * libraries from GitHub), made only when the user loads a model, and to the user's own
 * endpoint, if they set one up — and to no other origin:
 *
 * A `<meta>` policy cannot be changed once the page has it, but every policy a page has is
 * enforced, so their intersection is what applies. The static policy below lets `connect-src`
 * reach any https origin and plain http on this computer (`ENDPOINT_SOURCES`: where an endpoint
 * may be). Before anything else runs, the app's entry (src/lib/endpoint/csp-boot.ts) adds a
 * second policy, `endpointConnectPolicy`: `connect-src` narrowed to the app, the model hosts
 * and exactly the one configured endpoint origin (mirrored to localStorage, the origin only —
 * never the key — because the policy must be written synchronously, before IndexedDB could
 * answer). With no endpoint, the second policy allows no endpoint at all. A changed endpoint
 * takes effect at the next page load; the UI says so.
 */
const MODEL_HOSTS = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co', 'https://raw.githubusercontent.com'];

/**
 * Where an endpoint may be: any https origin, or plain http on this computer only (elsewhere it
 * would carry prompts and the key in clear text; browsers block it from an https page anyway).
 */
export const ENDPOINT_SOURCES = ['https:', 'http://localhost:*', 'http://127.0.0.1:*'];

function serialize(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(' '))
    .join('; ');
}

export function contentSecurityPolicy(mode: 'build' | 'serve'): string {
  const dev = mode === 'serve';
  return serialize({
    'default-src': ["'self'"],
    // WebAssembly (WebLLM's runtime, tokenizers) needs compilation rights, not eval.
    'script-src': ["'self'", "'wasm-unsafe-eval'"],
    'worker-src': ["'self'", 'blob:'],
    // Vite's dev server injects <style> tags; the build ships CSS files only.
    'style-src': dev ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ...MODEL_HOSTS, ...ENDPOINT_SOURCES, ...(dev ? ['ws:', 'wss:'] : [])],
    'media-src': ["'none'"],
    'object-src': ["'none'"],
    'frame-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'manifest-src': ["'self'"],
  });
}

/**
 * The second policy, added at startup: the static policy's `connect-src` without the endpoint
 * wildcards, plus exactly `endpointOrigin` (a serialized origin such as
 * `http://127.0.0.1:11434`, or null for none). Derived from the policy the page really has, so
 * whatever else it allows (the model hosts, the dev server's websocket) stays allowed.
 */
export function endpointConnectPolicy(staticPolicy: string | null, endpointOrigin: string | null): string {
  const directive = (staticPolicy ?? contentSecurityPolicy('build'))
    .split(';')
    .map((part) => part.trim().split(/\s+/))
    .find(([name]) => name === 'connect-src');
  const sources = (directive?.slice(1) ?? ["'self'", ...MODEL_HOSTS]).filter((source) => !ENDPOINT_SOURCES.includes(source));
  return serialize({ 'connect-src': [...sources, ...(endpointOrigin ? [endpointOrigin] : [])] });
}
