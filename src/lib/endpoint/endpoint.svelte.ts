/**
 * The user's own OpenAI-compatible endpoint as the page knows it: where it is, whether its API
 * key is stored, locked or unlocked, the models it serves, and what the PII gate does. It is
 * also the remote engine's `RemoteAccess`: each request asks it for the connection, so a key
 * unlocked or forgotten takes effect at once.
 *
 * The key lives in memory only while unlocked (or when stored without a passphrase), in a
 * private field that is not reactive state, so no component can render it. Components see
 * `keyState`, never the key.
 */
import { EngineError, type ChatRequest, type ReadyEngine } from '../engine/protocol';
import type { RemoteAccess, RemoteConnection, RemoteModel } from '../engine/remote';
import { resolveApiBase } from '../engine/remote-ids';
import { MAX_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS, type EndpointConfig, type EndpointRepository, type StoredKey } from '../storage/endpoint';
import { mirrorOrigin } from './csp';
import { WrongPassphraseError, open, seal } from './envelope';
import { screenRequest, type PiiPolicy, type Screening } from './pii-gate';

/** none: no key · plain: stored unencrypted · locked: sealed, passphrase not given yet · unlocked: sealed, usable now. */
export type KeyState = 'none' | 'plain' | 'locked' | 'unlocked';

export interface EndpointDraft {
  address: string;
  /** Empty: keep the stored key (unless the address moved to another server). */
  apiKey: string;
  /** Empty: store the key unencrypted. */
  passphrase: string;
  timeoutSeconds: number;
  piiPolicy: PiiPolicy;
}

export type EndpointOutcome = { ok: boolean; message: string };

export const DEFAULT_TIMEOUT_SECONDS = 90;
export const MIN_PASSPHRASE_LENGTH = 8;

export interface EndpointDeps {
  repo: EndpointRepository;
  /** The endpoint origin this page's CSP allows (`allowedEndpointOrigin()` at startup). */
  allowedOrigin: string | null;
  fetch?: typeof fetch;
  mirror?: (origin: string | null) => void;
}

export class Endpoint implements RemoteAccess {
  config: EndpointConfig | null = $state.raw(null);
  keyState: KeyState = $state('none');
  /** What the endpoint served when last asked. */
  models: RemoteModel[] = $state.raw([]);
  /** The last test's or action's result, for the settings to show. */
  status: { tone: 'ok' | 'error' | 'info'; message: string } | null = $state(null);
  busy: 'saving' | 'testing' | 'unlocking' | null = $state(null);
  readonly allowedOrigin: string | null;

  /** The key, only while usable; deliberately not `$state`. */
  #secret: string | null = null;
  #stored: StoredKey | null = null;
  readonly #repo: EndpointRepository;
  readonly #fetch: typeof fetch | undefined;
  readonly #mirror: (origin: string | null) => void;

  constructor(deps: EndpointDeps) {
    this.#repo = deps.repo;
    this.allowedOrigin = deps.allowedOrigin;
    this.#fetch = deps.fetch;
    this.#mirror = deps.mirror ?? ((origin) => mirrorOrigin(origin));
  }

  async load(): Promise<void> {
    const { config, key } = await this.#repo.load();
    this.config = config;
    this.#setKey(key, key?.kind === 'plain' ? key.key : null);
    // The mirror can be lost (site data partly cleared): restore it for the next load.
    if (config && this.origin !== this.allowedOrigin) this.#mirror(this.origin);
  }

  get origin(): string | null {
    return this.config ? new URL(this.config.apiBase).origin : null;
  }

  /** The page's security policy was fixed before this endpoint was set: it can be reached after a reload. */
  get needsReload(): boolean {
    return this.origin !== null && this.origin !== this.allowedOrigin;
  }

  /** Set up, allowed by the page and with a usable key (or none needed): its models can be listed. */
  get usable(): boolean {
    return this.config !== null && !this.needsReload && this.keyState !== 'locked';
  }

  get piiPolicy(): PiiPolicy {
    return this.config?.piiPolicy ?? 'off';
  }

  async save(draft: EndpointDraft): Promise<EndpointOutcome> {
    const resolved = resolveApiBase(draft.address);
    if (!resolved.ok) return this.#report(false, resolved.reason);
    const apiKey = draft.apiKey.trim();
    const passphrase = draft.passphrase;
    if (passphrase && passphrase.length < MIN_PASSPHRASE_LENGTH) return this.#report(false, `A passphrase needs at least ${MIN_PASSPHRASE_LENGTH} characters.`);
    const moved = this.origin !== null && this.origin !== resolved.origin;
    // A key belongs to its server: it is not sent to another one unless the user types it again.
    const current = moved ? null : this.#secret;
    const secret = apiKey || current;
    const forgotten = moved && this.#stored !== null && !apiKey;
    if (passphrase && !secret) {
      return this.#report(false, this.keyState === 'locked' && !moved ? 'Unlock the stored key first, then choose a new passphrase.' : 'Enter the API key to protect with this passphrase.');
    }
    const config: EndpointConfig = {
      apiBase: resolved.apiBase,
      timeoutSeconds: Math.round(Math.min(MAX_TIMEOUT_SECONDS, Math.max(MIN_TIMEOUT_SECONDS, draft.timeoutSeconds || DEFAULT_TIMEOUT_SECONDS))),
      piiPolicy: draft.piiPolicy,
    };
    this.busy = 'saving';
    try {
      let key: StoredKey | null | undefined;
      if (secret && passphrase) key = { kind: 'sealed', envelope: await seal(secret, passphrase) };
      else if (apiKey) key = { kind: 'plain', key: apiKey };
      else if (moved && this.#stored) key = null;
      await this.#repo.save(config, key);
      this.config = config;
      if (key !== undefined) this.#setKey(key, key ? secret : null);
      this.#mirror(resolved.origin);
      if (moved || key !== undefined) this.models = [];
      const notes = [
        forgotten ? 'The key was for the previous server, so it was forgotten.' : '',
        key?.kind === 'plain' ? 'The key is stored unencrypted in this browser: add a passphrase to protect it.' : '',
      ].filter(Boolean);
      return this.#report(true, ['Saved.', ...notes].join(' '));
    } catch (error) {
      return this.#report(false, `Could not save: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.busy = null;
    }
  }

  async setPiiPolicy(piiPolicy: PiiPolicy): Promise<void> {
    if (!this.config) return;
    const config = { ...this.config, piiPolicy };
    await this.#repo.save(config);
    this.config = config;
  }

  async unlock(passphrase: string): Promise<EndpointOutcome> {
    if (this.#stored?.kind !== 'sealed') return this.#report(false, 'There is no locked key.');
    this.busy = 'unlocking';
    try {
      this.#setKey(this.#stored, await open(this.#stored.envelope, passphrase));
      return this.#report(true, 'Unlocked for this tab. The key stays encrypted in storage.');
    } catch (error) {
      return this.#report(false, error instanceof WrongPassphraseError ? 'Wrong passphrase.' : `Could not unlock: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.busy = null;
    }
  }

  /** Forgets the unlocked key in this tab; it stays sealed in storage. */
  lock(): void {
    if (this.#stored?.kind === 'sealed') this.#setKey(this.#stored, null);
  }

  async forgetKey(): Promise<void> {
    await this.#repo.forgetKey();
    this.#setKey(null, null);
    this.#report(true, 'The API key was deleted from this browser.');
  }

  /** Removes the endpoint and its key. */
  async remove(): Promise<void> {
    await this.#repo.clear();
    this.config = null;
    this.models = [];
    this.#setKey(null, null);
    this.#mirror(null);
    this.#report(true, 'The endpoint and its key were removed from this browser.');
  }

  /** Lists the endpoint's models; `quiet` keeps an earlier message when it works (refreshes on opening the picker). */
  async test(options: { quiet?: boolean } = {}): Promise<void> {
    this.busy = 'testing';
    try {
      const connection = await this.connection();
      // The remote engine's code loads only for someone who set up a server.
      const { listRemoteModels } = await import('../engine/remote');
      this.models = await listRemoteModels(connection, this.#fetch ? { fetch: this.#fetch } : {});
      if (!options.quiet || this.status?.tone === 'error') {
        const count = this.models.length;
        this.#report(true, `Connected to ${this.origin}: ${count === 0 ? 'it serves no models yet' : `${count} model${count === 1 ? '' : 's'}`}.`);
      }
    } catch (error) {
      this.models = [];
      this.#report(false, error instanceof Error ? error.message : String(error));
    } finally {
      this.busy = null;
    }
  }

  async connection(): Promise<RemoteConnection> {
    const config = this.config;
    if (!config) throw new EngineError('unreachable', 'No endpoint is set up. Add yours under Models → Your server.');
    if (this.needsReload) {
      throw new EngineError(
        'unreachable',
        `Reload Hearth to connect to ${this.origin}: the page’s security policy is fixed when it loads, and this page allows ${this.allowedOrigin ?? 'no endpoint'}.`,
      );
    }
    if (this.keyState === 'locked') throw new EngineError('unauthorized', 'The API key is locked. Enter its passphrase under Models → Your server.');
    return { apiBase: config.apiBase, apiKey: this.#secret, timeoutMs: config.timeoutSeconds * 1000 };
  }

  /** What may go to `engine`: everything, unless it is this endpoint and the PII gate says otherwise. */
  screen(engine: Pick<ReadyEngine, 'kind'>, request: ChatRequest): Screening {
    return engine.kind === 'remote' ? screenRequest(request, this.piiPolicy) : { kind: 'send', request, redacted: [] };
  }

  #setKey(stored: StoredKey | null, secret: string | null): void {
    this.#stored = stored;
    this.#secret = secret;
    this.keyState = stored === null ? 'none' : stored.kind === 'plain' ? 'plain' : secret === null ? 'locked' : 'unlocked';
  }

  #report(ok: boolean, message: string): EndpointOutcome {
    this.status = { tone: ok ? 'ok' : 'error', message };
    return { ok, message };
  }
}
