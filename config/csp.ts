/**
 * The Content-Security-Policy, injected into index.html by vite.config.ts.
 *
 * Scripts, workers and styles come only from the app itself. Model output can load nothing:
 * images only from the app or data:/blob: URLs it made itself, no frames, no objects, no forms.
 * The only remote connections are WebLLM's model hosts (weights from Hugging Face, compiled
 * model libraries from GitHub), made only when the user loads a model.
 */
const MODEL_HOSTS = ['https://huggingface.co', 'https://*.huggingface.co', 'https://*.hf.co', 'https://raw.githubusercontent.com'];

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
    'connect-src': ["'self'", ...MODEL_HOSTS, ...(dev ? ['ws:', 'wss:'] : [])],
    'media-src': ["'none'"],
    'object-src': ["'none'"],
    'frame-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'manifest-src': ["'self'"],
  });
}
