import { describe, expect, test } from 'vitest';
import { DEFAULT_LIMITS, DEFAULT_SAMPLING } from '../../../src/lib/config';
import { MemoryHub, memoryCoordination } from '../../../src/lib/guard/coordination';
import type { GuardRequest } from '../../../src/lib/guard/gate';
import { Guard } from '../../../src/lib/guard/guard.svelte';
import { GuardRepository } from '../../../src/lib/storage/guard';
import { freshStore } from '../helpers';

const ask = (content: string): GuardRequest => ({
  conversationId: 'c1',
  engine: 'scripted',
  model: 'm',
  request: { messages: [{ role: 'user', content }], sampling: DEFAULT_SAMPLING },
  useCache: true,
});

describe('Guard (what the page shows)', () => {
  test('the meter follows spending in another tab; a refusal shows a notice until dismissed or admitted', async () => {
    const store = new GuardRepository(freshStore('guard'));
    const hub = new MemoryHub();
    const here = new Guard({ store, coordination: memoryCoordination(hub) });
    const there = new Guard({ store, coordination: memoryCoordination(hub) });
    await here.setLimits({ ...DEFAULT_LIMITS, requestsPerMinute: 1, burst: 1 });
    await there.refresh();
    expect(there.limits.requestsPerMinute).toBe(1);

    const admission = await there.begin(ask('q'));
    if (admission.kind !== 'admitted') throw new Error('refused');
    // Reserved tokens count as used while the answer is written ...
    await expect.poll(() => here.usedToday).toBe(admission.ticket.promptTokens + admission.ticket.maxTokens);
    await there.finish(admission.ticket, { usage: { promptTokens: 3, completionTokens: 4 }, streamed: 4, answer: null });
    // ... and settle to the real usage.
    await expect.poll(() => here.usedToday).toBe(7);
    expect(here.usedByConversation('c1')).toBe(7);

    expect((await here.begin(ask('r'))).kind).toBe('refused');
    expect(here.notice).toMatch(/^Rate limit: 1 request a minute/);
    here.dismissNotice();
    expect(here.notice).toBeNull();
    here.dispose();
    there.dispose();
  });
});
