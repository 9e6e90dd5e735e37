/**
 * The guard as the page shows it: today's token meter, the limits, the cache's size, and a
 * notice when a request was refused. Every decision is the Gate's; this keeps its view current,
 * including changes made by other tabs and the reset at midnight.
 */
import { DEFAULT_LIMITS } from '../config';
import type { EngineKind } from '../engine/protocol';
import type { GuardStore } from '../storage/guard';
import { committed } from './budget';
import type { Coordination } from './coordination';
import { nextMidnight } from './day';
import { describeRefusal } from './describe';
import { Gate, type Admission, type GenerationGuard, type GuardRequest, type GuardSnapshot, type Outcome, type Ticket } from './gate';
import type { Limits } from './limits';

export interface GuardDeps {
  store: GuardStore;
  coordination: Coordination;
  now?: () => number;
}

export class Guard implements GenerationGuard {
  #snapshot: GuardSnapshot | null = $state.raw(null);
  #notice: string | null = $state(null);

  readonly #gate: Gate;
  readonly #coordination: Coordination;
  readonly #now: () => number;
  readonly #stopListening: () => void;
  #noticeTimer: ReturnType<typeof setTimeout> | undefined;
  #midnightTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(deps: GuardDeps) {
    this.#now = deps.now ?? Date.now;
    this.#coordination = deps.coordination;
    this.#gate = new Gate({ store: deps.store, coordination: deps.coordination, now: this.#now });
    this.#stopListening = deps.coordination.listen(() => void this.refresh());
  }

  get limits(): Limits {
    return this.#snapshot?.limits ?? DEFAULT_LIMITS;
  }

  /** Tokens spent today plus those reserved by answers still being written, in every tab. */
  get usedToday(): number {
    return this.#snapshot ? committed(this.#snapshot.ledger, '').day : 0;
  }

  /** The part of `usedToday` held by answers still being written; it settles to their real usage. */
  get reservedToday(): number {
    return this.#snapshot ? this.usedToday - this.#snapshot.ledger.spent : 0;
  }

  usedByConversation(conversationId: string): number {
    return this.#snapshot ? committed(this.#snapshot.ledger, conversationId).conversation : 0;
  }

  get cache(): GuardSnapshot['cache'] {
    return this.#snapshot?.cache ?? { entries: 0, bytes: 0 };
  }

  /** Why the last request was refused, until it no longer applies or is dismissed. */
  get notice(): string | null {
    return this.#notice;
  }

  async begin(request: GuardRequest): Promise<Admission> {
    const admission = await this.#gate.begin(request);
    if (admission.kind === 'refused') {
      const now = this.#now();
      const { refusal } = admission;
      // The notice goes when it stops being true: at the promised time, or when budgets reset.
      this.#showNotice(describeRefusal(refusal, now), (refusal.reason === 'budget' ? refusal.resetsAt : refusal.retryAt) - now);
    } else this.dismissNotice();
    await this.refresh();
    return admission;
  }

  async finish(ticket: Ticket, outcome: Outcome): Promise<void> {
    try {
      await this.#gate.finish(ticket, outcome);
    } finally {
      await this.refresh();
    }
  }

  async holdUntil(engine: EngineKind, at: number): Promise<void> {
    try {
      await this.#gate.holdUntil(engine, at);
    } finally {
      await this.refresh();
    }
  }

  async setLimits(limits: Limits): Promise<void> {
    await this.#gate.setLimits(limits);
    await this.refresh();
  }

  /** Returns how many answers were dropped. */
  async clearCache(): Promise<number> {
    const cleared = await this.#gate.clearCache();
    await this.refresh();
    return cleared;
  }

  async refresh(): Promise<void> {
    this.#snapshot = await this.#gate.snapshot();
    // The meter drops to zero at midnight even if nothing else happens.
    clearTimeout(this.#midnightTimer);
    this.#midnightTimer = setTimeout(() => void this.refresh(), nextMidnight(this.#now()) - this.#now() + 1000);
  }

  dismissNotice(): void {
    clearTimeout(this.#noticeTimer);
    this.#notice = null;
  }

  dispose(): void {
    this.dismissNotice();
    clearTimeout(this.#midnightTimer);
    this.#stopListening();
    this.#coordination.close();
  }

  #showNotice(message: string, clearAfterMs: number): void {
    clearTimeout(this.#noticeTimer);
    this.#notice = message;
    this.#noticeTimer = setTimeout(() => (this.#notice = null), clearAfterMs);
  }
}
