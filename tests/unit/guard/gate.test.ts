import { describe, expect, test } from 'vitest';
import { DEFAULT_LIMITS, DEFAULT_SAMPLING } from '../../../src/lib/config';
import type { ChatRequest } from '../../../src/lib/engine/protocol';
import { MemoryHub, memoryCoordination } from '../../../src/lib/guard/coordination';
import { Gate, type Admission, type GuardRequest, type Ticket } from '../../../src/lib/guard/gate';
import type { Limits } from '../../../src/lib/guard/limits';
import { GuardRepository } from '../../../src/lib/storage/guard';
import { freshStore } from '../helpers';

const MINUTE = 60_000;

/** Two tabs (gates) over one store and one hub, with a clock the test moves. */
function setup(limits: Partial<Limits> = {}) {
  const store = new GuardRepository(freshStore('guard'));
  const hub = new MemoryHub();
  const clock = { now: new Date(2026, 4, 12, 10, 0).getTime() };
  let ids = 0;
  const tab = () => new Gate({ store, coordination: memoryCoordination(hub), now: () => clock.now, newId: () => `r${++ids}` });
  const gate = tab();
  return { store, hub, clock, gate, tab, ready: gate.setLimits({ ...DEFAULT_LIMITS, ...limits }) };
}

const request = (content: string, sampling: Partial<ChatRequest['sampling']> = {}): ChatRequest => ({
  messages: [{ role: 'user', content }],
  sampling: { ...DEFAULT_SAMPLING, temperature: 0, ...sampling },
});
const ask = (content: string, overrides: Partial<GuardRequest> = {}): GuardRequest => ({
  conversationId: 'c1',
  engine: 'scripted',
  model: 'm',
  request: request(content),
  useCache: true,
  ...overrides,
});

function admitted(admission: Admission): Ticket {
  if (admission.kind !== 'admitted') throw new Error(`expected admitted, got ${JSON.stringify(admission)}`);
  return admission.ticket;
}

const usage = (promptTokens: number, completionTokens: number) => ({ promptTokens, completionTokens });

describe('Gate', () => {
  test('a complete answer is cached and served for the same request; other requests miss', async () => {
    const { gate, ready } = setup();
    await ready;
    const ticket = admitted(await gate.begin(ask('What is Hearth?')));
    expect(ticket.cacheKey).toMatch(/^[0-9a-f]{64}$/);
    await gate.finish(ticket, { usage: usage(10, 5), streamed: 5, answer: 'A private studio.' });

    expect(await gate.begin(ask('What is Hearth?'))).toMatchObject({ kind: 'cached', content: 'A private studio.' });
    expect((await gate.begin(ask('Something else'))).kind).toBe('admitted');
    expect((await gate.begin(ask('What is Hearth?', { model: 'other' }))).kind).toBe('admitted');
  });

  test('"regenerate fresh" skips the cache and replaces the entry', async () => {
    const { gate, ready } = setup();
    await ready;
    await gate.finish(admitted(await gate.begin(ask('q'))), { usage: usage(1, 1), streamed: 1, answer: 'first' });
    const fresh = admitted(await gate.begin(ask('q', { useCache: false })));
    await gate.finish(fresh, { usage: usage(1, 1), streamed: 1, answer: 'second' });
    expect(await gate.begin(ask('q'))).toMatchObject({ kind: 'cached', content: 'second' });
    expect((await gate.snapshot()).cache.entries).toBe(1);
  });

  test('sampling with temperature and no seed is never cached; a seed makes it cacheable', async () => {
    const { gate, ready } = setup();
    await ready;
    const warm = ask('q', { request: request('q', { temperature: 0.7 }) });
    const ticket = admitted(await gate.begin(warm));
    expect(ticket.cacheKey).toBeNull();
    await gate.finish(ticket, { usage: usage(1, 1), streamed: 1, answer: 'a' });
    expect((await gate.begin(warm)).kind).toBe('admitted');

    const seeded = ask('q', { request: request('q', { temperature: 0.7, seed: 42 }) });
    await gate.finish(admitted(await gate.begin(seeded)), { usage: usage(1, 1), streamed: 1, answer: 'b' });
    expect(await gate.begin(seeded)).toMatchObject({ kind: 'cached', content: 'b' });
  });

  test('answers that were cut short are not cached', async () => {
    const { gate, ready } = setup();
    await ready;
    await gate.finish(admitted(await gate.begin(ask('q'))), { usage: usage(1, 1), streamed: 1, answer: null });
    expect((await gate.begin(ask('q'))).kind).toBe('admitted');
  });

  test('cached answers expire after the TTL', async () => {
    const { gate, clock, ready } = setup({ cacheTtlMs: 10 * MINUTE });
    await ready;
    await gate.finish(admitted(await gate.begin(ask('q'))), { usage: usage(1, 1), streamed: 1, answer: 'a' });
    clock.now += 10 * MINUTE - 1;
    expect((await gate.begin(ask('q'))).kind).toBe('cached');
    clock.now += 1;
    expect((await gate.begin(ask('q'))).kind).toBe('admitted');
  });

  test('a cache hit spends neither a request nor tokens', async () => {
    const { gate, ready } = setup({ requestsPerMinute: 1, burst: 1 });
    await ready;
    await gate.finish(admitted(await gate.begin(ask('q'))), { usage: usage(10, 10), streamed: 10, answer: 'a' });
    for (let i = 0; i < 3; i++) expect((await gate.begin(ask('q'))).kind).toBe('cached');
    expect((await gate.snapshot()).ledger.spent).toBe(20);
    expect(await gate.begin(ask('new'))).toMatchObject({ kind: 'refused', refusal: { reason: 'rate' } });
  });

  test('the rate limit refuses with the time of the next allowed request, shared by both tabs', async () => {
    const { gate, tab, clock, ready } = setup({ requestsPerMinute: 2, burst: 2 });
    await ready;
    const other = tab();
    admitted(await gate.begin(ask('a', { useCache: false })));
    admitted(await other.begin(ask('b', { useCache: false })));
    const start = clock.now;
    expect(await gate.begin(ask('c'))).toEqual({
      kind: 'refused',
      refusal: { reason: 'rate', retryAt: start + 30_000, limit: { perMinute: 2, burst: 2 } },
    });
    clock.now += 30_000;
    admitted(await other.begin(ask('c')));
  });

  test('budgets: the answer is capped to what is left, then requests are refused until midnight', async () => {
    const { gate, clock, ready } = setup({ tokensPerDay: 1000, tokensPerConversation: null, maxTokensPerAnswer: 1024, requestsPerMinute: null });
    await ready;
    const first = admitted(await gate.begin(ask('x'.repeat(100))));
    // Prompt bound: 100 bytes + 8 per message + 64 per request.
    expect(first).toMatchObject({ promptTokens: 172, maxTokens: 828, limitedBy: 'day-budget' });
    await gate.finish(first, { usage: usage(30, 700), streamed: 700, answer: null });
    expect((await gate.snapshot()).ledger.spent).toBe(730);

    const second = admitted(await gate.begin(ask('y')));
    expect(second.maxTokens).toBe(1000 - 730 - 73);
    await gate.finish(second, { usage: usage(10, 250), streamed: 250, answer: null });
    const refused = await gate.begin(ask('z'));
    expect(refused).toMatchObject({ kind: 'refused', refusal: { reason: 'budget', scope: 'day', limit: 1000, remaining: 10 } });

    clock.now = new Date(2026, 4, 13, 0, 0).getTime();
    expect(admitted(await gate.begin(ask('z'))).maxTokens).toBe(1000 - 73);
  });

  test('without usage from the engine, the prompt bound plus the chunks that arrived are charged', async () => {
    const { gate, ready } = setup();
    await ready;
    const ticket = admitted(await gate.begin(ask('abc')));
    await gate.finish(ticket, { usage: null, streamed: 7, answer: null });
    expect((await gate.snapshot()).ledger.spent).toBe(ticket.promptTokens + 7);
  });

  test('a reservation left by a closed tab is charged in full when another tab next asks', async () => {
    const { gate, hub, tab, ready } = setup({ tokensPerDay: 2000, maxTokensPerAnswer: 100 });
    await ready;
    const ticket = admitted(await gate.begin(ask('q')));
    // The tab dies: its lock goes, nothing settles.
    hub.holds.delete(ticket.id);
    const other = tab();
    admitted(await other.begin(ask('r', { conversationId: 'c2' })));
    const { ledger } = await other.snapshot();
    expect(ledger.spent).toBe(ticket.promptTokens + ticket.maxTokens);
    expect(ledger.reservations.map((item) => item.id)).not.toContain(ticket.id);
  });

  test('a reservation of a tab that is still generating is left alone', async () => {
    const { gate, tab, ready } = setup();
    await ready;
    const ticket = admitted(await gate.begin(ask('q')));
    admitted(await tab().begin(ask('r')));
    const { ledger } = await gate.snapshot();
    expect(ledger.spent).toBe(0);
    expect(ledger.reservations.map((item) => item.id)).toContain(ticket.id);
  });

  test('the cache is capped with LRU eviction; lowering the cap trims it; clearing empties it', async () => {
    const { gate, clock, ready } = setup({ cacheMaxEntries: 2, requestsPerMinute: null });
    await ready;
    for (const question of ['a', 'b', 'c']) {
      clock.now += 1000;
      await gate.finish(admitted(await gate.begin(ask(question))), { usage: usage(1, 1), streamed: 1, answer: `answer ${question}` });
    }
    expect((await gate.begin(ask('a'))).kind).toBe('admitted');
    clock.now += 1000;
    expect((await gate.begin(ask('b'))).kind).toBe('cached');
    await gate.setLimits({ ...DEFAULT_LIMITS, requestsPerMinute: null, cacheMaxEntries: 1 });
    // "b" was used last.
    expect((await gate.begin(ask('c'))).kind).toBe('admitted');
    expect((await gate.begin(ask('b'))).kind).toBe('cached');
    expect(await gate.clearCache()).toBe(1);
    expect((await gate.begin(ask('b'))).kind).toBe('admitted');
    expect((await gate.snapshot()).cache).toEqual({ entries: 0, bytes: 0 });
  });

  test('changes are announced to the other tabs', async () => {
    const { gate, hub, ready } = setup();
    await ready;
    let heard = 0;
    const listener = memoryCoordination(hub);
    listener.listen(() => heard++);
    await gate.finish(admitted(await gate.begin(ask('q'))), { usage: usage(1, 1), streamed: 1, answer: 'a' });
    await expect.poll(() => heard).toBeGreaterThanOrEqual(2);
  });

  test('a server’s Retry-After holds requests to that engine, in every tab, until the time it gave', async () => {
    const { gate, tab, clock, ready } = setup({ requestsPerMinute: null });
    await ready;
    const other = tab();
    await gate.holdUntil('remote', clock.now + 30_000);
    // A shorter hold arriving later does not shorten it.
    await other.holdUntil('remote', clock.now + 5_000);
    const refused = await other.begin(ask('to the server', { engine: 'remote', useCache: false }));
    expect(refused).toEqual({ kind: 'refused', refusal: { reason: 'server', retryAt: clock.now + 30_000 } });
    // Models on this device are not held.
    expect((await gate.begin(ask('local', { engine: 'webllm' }))).kind).toBe('admitted');
    clock.now += 30_001;
    expect((await gate.begin(ask('to the server', { engine: 'remote', useCache: false }))).kind).toBe('admitted');
  });
});
