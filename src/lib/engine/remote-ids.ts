/**
 * Remote model ids and endpoint addresses. `remote:<name>` names a model served by the user's
 * own OpenAI-compatible endpoint, `<name>` being exactly what its `GET /v1/models` lists
 * (`llama3.2:1b` for Ollama, `meta-llama/Llama-3.2-1B-Instruct` for vLLM…). Kept apart from
 * remote.ts so the picker, the host and the settings can tell remote models apart cheaply.
 */
export const REMOTE_PREFIX = 'remote:';

export const isRemoteModelId = (modelId: string): boolean => modelId.startsWith(REMOTE_PREFIX);

export const remoteModelId = (name: string): string => `${REMOTE_PREFIX}${name}`;

/** The server's own name for the model, or null for a model that is not remote. */
export const remoteModelName = (modelId: string): string | null => (isRemoteModelId(modelId) && modelId.length > REMOTE_PREFIX.length ? modelId.slice(REMOTE_PREFIX.length) : null);

/** Hosts where plain http is accepted: this computer only (see config/csp.ts). */
const LOOPBACK = new Set(['localhost', '127.0.0.1']);

export type ApiBase = { ok: true; apiBase: string; origin: string } | { ok: false; reason: string };

/**
 * What the user typed → the API root requests go to, e.g. `localhost:11434` →
 * `http://localhost:11434/v1`, `https://gpu.example/v1/` → `https://gpu.example/v1`. A path
 * not ending in a version (`/v1`) gets `/v1`, where Ollama, vLLM and llama.cpp server all answer.
 */
export function resolveApiBase(input: string): ApiBase {
  let text = input.trim();
  if (!text) return { ok: false, reason: 'Enter the address of your server, e.g. http://localhost:11434 for Ollama.' };
  if (!/^[a-z][a-z\d+.-]*:\/\//i.test(text)) text = `${isLoopbackHost(text) ? 'http' : 'https'}://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, reason: `“${input.trim()}” is not a web address.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'The address must start with http:// or https://.' };
  if (url.username || url.password) return { ok: false, reason: 'Put the API key in its own field, not in the address: addresses are shown on screen and kept in plain text.' };
  if (url.search || url.hash) return { ok: false, reason: 'The address must not have a query (?…) or a fragment (#…).' };
  // A Content-Security-Policy cannot name an IPv6 address, so the page could not allow it.
  if (url.hostname.startsWith('[')) return { ok: false, reason: 'Use a host name or an IPv4 address (127.0.0.1 for this computer): the page’s security policy cannot name IPv6 addresses.' };
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    return {
      ok: false,
      reason:
        'Plain http is allowed only for a server on this computer (localhost). Serve your endpoint over https (a reverse proxy such as Caddy or nginx adds TLS), so prompts and the API key do not cross the network in clear text.',
    };
  }
  const path = url.pathname.replace(/\/+$/, '');
  return { ok: true, apiBase: `${url.origin}${/\/v\d+$/.test(path) ? path : `${path}/v1`}`, origin: url.origin };
}

function isLoopbackHost(text: string): boolean {
  return LOOPBACK.has(text.replace(/[/:].*$/, ''));
}
