/**
 * The guard in front of the engine, as one tab sees it. Before a generation: serve it from the
 * response cache, or refuse it (rate limit, token budget), or admit it with a reservation and the
 * longest answer it may write. After: settle the reservation with the real usage and cache the
 * answer. Every step reads and writes the shared store under the cross-tab lock, so two tabs
 * (two Gates over one store and one coordination) never spend the same tokens twice.
 */
import type { ChatRequest, EngineKind, TokenUsage } from '../engine/protocol';
import type { GuardStore } from '../storage/guard';
import { take, type RateLimit } from './bucket';
import { dropStale, promptTokenBound, reserve, rollOver, settle, type BudgetScope, type Ledger, type StopReason } from './budget';
import type { Coordination } from './coordination';
import { responseCacheKey } from './hash';
import type { Limits } from './limits';
import { insert, isCacheable, lookup, trim, type CacheLimits } from './response-cache';

export interface GuardRequest {
  conversationId: string;
  engine: EngineKind;
  model: string;
  /** As the user's settings ask for it; the gate decides the answer's real `max_tokens`. */
  request: ChatRequest;
  /** False when the user asks for a fresh answer even if one is cached. */
  useCache: boolean;
  templateVersion?: string | undefined;
}

export type Refusal =
  | { reason: 'rate'; retryAt: number; limit: RateLimit }
  /** The engine's server asked to wait (HTTP 429 with Retry-After); see `holdUntil`. */
  | { reason: 'server'; retryAt: number }
  | { reason: 'budget'; scope: BudgetScope; limit: number; remaining: number; needed: number; resetsAt: number };

/** An admitted generation: plain data, handed back to `finish`. */
export interface Ticket {
  readonly id: string;
  readonly conversationId: string;
  /** The reserved upper bound on the prompt's tokens. */
  readonly promptTokens: number;
  /** The answer's `max_tokens`. */
  readonly maxTokens: number;
  /** What lowered `maxTokens` below what the settings asked for, if anything. */
  readonly limitedBy: StopReason | null;
  /** Where the answer is cached, or null when it may not be (see `isCacheable`). */
  readonly cacheKey: string | null;
}

export type Admission =
  | { kind: 'cached'; content: string; storedAt: number }
  | { kind: 'refused'; refusal: Refusal }
  | { kind: 'admitted'; ticket: Ticket };

export interface Outcome {
  /** As the engine reported it; null when it failed before saying. */
  usage: TokenUsage | null;
  /** Text chunks that arrived, counted as tokens when the engine reported no usage. */
  streamed: number;
  /** The whole answer when it may be cached: finished by the model, not cut short. */
  answer: string | null;
}

/** What the meter and the limits dialog show. */
export interface GuardSnapshot {
  limits: Limits;
  ledger: Ledger;
  cache: { entries: number; bytes: number };
}

/** What a chat session needs from the guard. */
export interface GenerationGuard {
  begin(request: GuardRequest): Promise<Admission>;
  finish(ticket: Ticket, outcome: Outcome): Promise<void>;
  /** The engine's server refused with a time to retry: nothing goes to that engine before it. */
  holdUntil?(engine: EngineKind, at: number): Promise<void>;
}

export interface GateDeps {
  store: GuardStore;
  coordination: Coordination;
  now?: () => number;
  newId?: () => string;
}

const cacheLimits = (limits: Limits): CacheLimits => ({ ttlMs: limits.cacheTtlMs, maxEntries: limits.cacheMaxEntries, maxBytes: limits.cacheMaxBytes });
const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length;

export class Gate implements GenerationGuard {
  readonly #store: GuardStore;
  readonly #coordination: Coordination;
  readonly #now: () => number;
  readonly #newId: () => string;
  /** Locks that keep this tab's open reservations alive, by ticket id. */
  readonly #holds = new Map<string, () => void>();

  constructor(deps: GateDeps) {
    this.#store = deps.store;
    this.#coordination = deps.coordination;
    this.#now = deps.now ?? Date.now;
    this.#newId = deps.newId ?? (() => crypto.randomUUID());
  }

  async begin(input: GuardRequest): Promise<Admission> {
    const { request } = input;
    // Hashing needs no lock; it is the slowest step.
    const cacheKey = isCacheable(request.sampling) ? await responseCacheKey(input) : null;
    return this.#exclusive(async () => {
      const records = await this.#store.load();
      const now = this.#now();
      const { limits } = records;

      if (cacheKey && input.useCache) {
        const found = lookup(records.cache, cacheKey, now, cacheLimits(limits));
        const answer = found.hit ? await this.#store.answer(cacheKey) : undefined;
        if (answer) {
          await this.#store.save({ cache: found.entries }, { remove: found.removed });
          return { kind: 'cached', content: answer.content, storedAt: answer.storedAt };
        }
      }

      // The budget is checked first: its refusal lasts until midnight, a rate refusal only seconds.
      const live = await this.#coordination.held();
      const ledger = dropStale(rollOver(records.ledger, now), (id) => live.has(id) || this.#holds.has(id));
      const id = this.#newId();
      const promptTokens = promptTokenBound(request.messages);
      const reserved = reserve(ledger, limits, { id, conversationId: input.conversationId, promptTokens, maxTokens: request.sampling.max_tokens }, now);
      const rate: RateLimit | null = limits.requestsPerMinute === null ? null : { perMinute: limits.requestsPerMinute, burst: limits.burst };
      const taken = rate && take(records.bucket, rate, now);
      if (!reserved.ok) {
        const { scope, limit, remaining, needed, resetsAt } = reserved;
        return this.#refuse(records.ledger, ledger, { reason: 'budget', scope, limit, remaining, needed, resetsAt });
      }
      const hold = records.holds[input.engine];
      if (hold !== undefined && hold > now) return this.#refuse(records.ledger, ledger, { reason: 'server', retryAt: hold });
      if (rate && taken && !taken.ok) return this.#refuse(records.ledger, ledger, { reason: 'rate', retryAt: taken.retryAt, limit: rate });

      // Held before the reservation is written, so no tab ever sees it without its lock and settles it as abandoned.
      const release = await this.#coordination.hold(id);
      try {
        await this.#store.save({ ledger: reserved.ledger, ...(taken?.ok ? { bucket: taken.bucket } : {}) });
      } catch (error) {
        release();
        throw error;
      }
      this.#holds.set(id, release);
      const ticket: Ticket = { id, conversationId: input.conversationId, promptTokens, maxTokens: reserved.maxTokens, limitedBy: reserved.limitedBy, cacheKey };
      return { kind: 'admitted', ticket };
    });
  }

  async finish(ticket: Ticket, outcome: Outcome): Promise<void> {
    const used = outcome.usage ? outcome.usage.promptTokens + outcome.usage.completionTokens : ticket.promptTokens + outcome.streamed;
    try {
      await this.#exclusive(async () => {
        const records = await this.#store.load();
        const now = this.#now();
        const ledger = settle(records.ledger, ticket.id, used, now);
        const answer = ticket.cacheKey !== null ? outcome.answer : null;
        if (ticket.cacheKey === null || answer === null) return this.#store.save({ ledger });
        const entry = { key: ticket.cacheKey, bytes: utf8Bytes(answer), storedAt: now, usedAt: now };
        const added = insert(records.cache, entry, now, cacheLimits(records.limits));
        const put = added.stored ? { key: ticket.cacheKey, answer: { content: answer, storedAt: now } } : undefined;
        return this.#store.save({ ledger, cache: added.entries }, { put, remove: added.removed });
      });
    } finally {
      // Only now: released earlier, another tab could settle it again, at the full reservation.
      this.#holds.get(ticket.id)?.();
      this.#holds.delete(ticket.id);
    }
  }

  async snapshot(): Promise<GuardSnapshot> {
    const records = await this.#store.load();
    const bytes = records.cache.reduce((total, entry) => total + entry.bytes, 0);
    return { limits: records.limits, ledger: rollOver(records.ledger, this.#now()), cache: { entries: records.cache.length, bytes } };
  }

  async setLimits(limits: Limits): Promise<void> {
    await this.#exclusive(async () => {
      const records = await this.#store.load();
      const kept = trim(records.cache, this.#now(), cacheLimits(limits));
      await this.#store.save({ limits, cache: kept.entries }, { remove: kept.removed });
    });
  }

  /**
   * A server said when it will take requests again (Retry-After): every tab refuses requests to
   * that engine until then, saying why, instead of sending them to be refused again.
   */
  async holdUntil(engine: EngineKind, at: number): Promise<void> {
    await this.#exclusive(async () => {
      const { holds } = await this.#store.load();
      const now = this.#now();
      // Holds that have passed are dropped on the way.
      const live = Object.fromEntries(Object.entries(holds).filter(([, until]) => until > now));
      await this.#store.save({ holds: { ...live, [engine]: Math.max(holds[engine] ?? 0, at) } });
    });
  }

  /** Empties the response cache; returns how many answers it held. */
  async clearCache(): Promise<number> {
    return this.#exclusive(async () => {
      const { cache } = await this.#store.load();
      await this.#store.save({ cache: [] }, { remove: cache.map((entry) => entry.key) });
      return cache.length;
    });
  }

  async #refuse(stored: Ledger | null, ledger: Ledger, refusal: Refusal): Promise<Admission> {
    // Abandoned reservations found on the way are settled even when this request is refused.
    if (ledger !== stored) await this.#store.save({ ledger });
    return { kind: 'refused', refusal };
  }

  /** Runs `work` under the cross-tab lock, then tells the other tabs. */
  async #exclusive<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await this.#coordination.exclusive(work);
    } finally {
      this.#coordination.announce();
    }
  }
}
