import { describe, expect, test, vi } from 'vitest';
import { ChatSession, type SessionDeps } from '../../../src/lib/chat/session.svelte';
import { DEFAULT_LIMITS, DEFAULT_SAMPLING, NEW_CONVERSATION_TITLE, STREAM_CHECKPOINT_MS } from '../../../src/lib/config';
import { EngineError, type ReadyEngine } from '../../../src/lib/engine/protocol';
import { memoryCoordination } from '../../../src/lib/guard/coordination';
import { Gate } from '../../../src/lib/guard/gate';
import type { Limits } from '../../../src/lib/guard/limits';
import type { ChatRepository } from '../../../src/lib/storage/chats';
import { GuardRepository } from '../../../src/lib/storage/guard';
import { fakeReadyEngine, freshRepositories, freshStore, type FakeEngineOptions } from '../helpers';

function setup(engineOptions: FakeEngineOptions = {}, overrides: Partial<SessionDeps> = {}) {
  const { chats: repo } = freshRepositories();
  const engine = fakeReadyEngine(engineOptions);
  let current: ReadyEngine | null = engine;
  const saved: string[] = [];
  const storageErrors: unknown[] = [];
  const deps: SessionDeps = {
    repo,
    engine: () => current,
    prepare: () => ({ systemPrompt: 'Be brief.', sampling: DEFAULT_SAMPLING, personaId: 'builtin:hearth', contextWindow: 4096 }),
    onSaved: (conversation) => saved.push(conversation.id),
    onStorageError: (error) => storageErrors.push(error),
    ...overrides,
  };
  return { repo, engine, deps, saved, storageErrors, setEngine: (next: ReadyEngine | null) => (current = next) };
}

describe('ChatSession', () => {
  test('send stores the question and the streamed answer, titled from the question', async () => {
    const { repo, engine, deps } = setup({ tokens: ['Hi', ' you'] });
    const session = ChatSession.create(deps);
    expect(session.conversation.title).toBe(NEW_CONVERSATION_TITLE);
    expect(await session.send('  What is   Hearth?  ')).toBe(true);

    expect(session.messages.map((message) => [message.role, message.content, message.status])).toEqual([
      ['user', 'What is   Hearth?', 'complete'],
      ['assistant', 'Hi you', 'complete'],
    ]);
    expect(session.conversation.title).toBe('What is Hearth?');
    expect(engine.requests[0]?.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What is   Hearth?' },
    ]);
    const answer = session.messages[1];
    expect(answer).toMatchObject({ engine: 'scripted', model: 'fake-model', usage: { completionTokens: 2 }, finishReason: 'stop' });

    const stored = await repo.loadMessages(session.id);
    expect(stored.map((message) => message.content)).toEqual(['What is   Hearth?', 'Hi you']);
    expect((await repo.getConversation(session.id))?.title).toBe('What is Hearth?');
  });

  test('JSON mode is stored on the conversation, sent with every request and marks the answers', async () => {
    const { repo, engine, deps } = setup({ tokens: ['{}'] });
    const session = ChatSession.create(deps);
    await session.setResponseFormat({ type: 'json_object', schema: '{"type":"object"}' });
    await session.send('as JSON');
    expect(engine.requests[0]?.responseFormat).toEqual({ type: 'json_object', schema: '{"type":"object"}' });
    expect(session.messages[1]?.format).toBe('json');
    expect((await repo.getConversation(session.id))?.responseFormat).toEqual({ type: 'json_object', schema: '{"type":"object"}' });

    await session.setResponseFormat(undefined);
    await session.send('free text');
    expect(engine.requests[1]?.responseFormat).toBeUndefined();
    expect(session.messages[3]?.format).toBeUndefined();
    expect((await repo.getConversation(session.id))?.responseFormat).toBeUndefined();
  });

  test('the next turn sends the whole history', async () => {
    const { engine, deps } = setup({ tokens: ['A'] });
    const session = ChatSession.create(deps);
    await session.send('one');
    await session.send('two');
    expect(engine.requests[1]?.messages.map((message) => message.content)).toEqual(['Be brief.', 'one', 'A', 'two']);
  });

  test('does nothing without an engine, for blank text, or while generating', async () => {
    const { deps, setEngine } = setup({ tokens: ['x'], delayMs: 20 });
    const session = ChatSession.create(deps);
    expect(await session.send('   ')).toBe(false);
    const first = session.send('go');
    expect(await session.send('again')).toBe(false);
    await first;
    setEngine(null);
    expect(await session.send('no engine')).toBe(false);
    expect(session.messages).toHaveLength(2);
  });

  test('stop keeps what arrived, marks it stopped and saves it', async () => {
    const { repo, deps } = setup({ tokens: ['a', 'b', 'c', 'd', 'e', 'f'], delayMs: 15 });
    const session = ChatSession.create(deps);
    const sending = session.send('q');
    await vi.waitFor(() => expect(session.messages[1]?.content.length).toBeGreaterThanOrEqual(2));
    await session.stop();
    await sending;
    const answer = session.messages[1]!;
    expect(answer.status).toBe('stopped');
    expect(answer.content.length).toBeLessThan(6);
    expect(session.generating).toBe(false);
    expect((await repo.loadMessages(session.id))[1]).toMatchObject({ status: 'stopped', content: answer.content });
  });

  test('an engine that dies mid-answer leaves it interrupted, with what arrived and why', async () => {
    const crash = () => new EngineError('worker-crashed', 'The engine worker stopped.');
    const { repo, deps, setEngine } = setup({ tokens: ['a', 'b', 'c'], failAfter: 2, failWith: crash });
    const session = ChatSession.create(deps);
    await session.send('q');
    expect(session.messages[1]).toMatchObject({ status: 'interrupted', content: 'ab', error: 'The engine worker stopped.' });
    expect((await repo.loadMessages(session.id))[1]).toMatchObject({ status: 'interrupted', content: 'ab' });
    expect(session.generating).toBe(false);

    setEngine(fakeReadyEngine({ tokens: ['whole'] }));
    expect(await session.regenerate()).toBe(true);
    expect(session.messages.map((message) => [message.content, message.status])).toEqual([
      ['q', 'complete'],
      ['whole', 'complete'],
    ]);
  });

  test('an engine that dies before the first token is an error, not an interruption', async () => {
    const { deps } = setup({ tokens: ['a'], failAfter: 0, failWith: () => new EngineError('device-lost', 'The GPU was reset.') });
    const session = ChatSession.create(deps);
    await session.send('q');
    expect(session.messages[1]).toMatchObject({ status: 'error', content: '', error: 'The GPU was reset.' });
  });

  test('an engine failure is kept inline with what arrived; retry replaces it', async () => {
    const { repo, deps, setEngine } = setup({ tokens: ['a', 'b', 'c'], failAfter: 1 });
    const session = ChatSession.create(deps);
    await session.send('q');
    expect(session.messages[1]).toMatchObject({ status: 'error', content: 'a', error: 'engine exploded' });
    expect((await repo.loadMessages(session.id))[1]).toMatchObject({ status: 'error' });

    setEngine(fakeReadyEngine({ tokens: ['fine'] }));
    expect(await session.regenerate()).toBe(true);
    expect(session.messages.map((message) => message.content)).toEqual(['q', 'fine']);
    expect((await repo.loadMessages(session.id)).map((message) => message.content)).toEqual(['q', 'fine']);
  });

  test('checkpoints a long answer at a bounded rate, never per token', async () => {
    const { deps } = setup({ tokens: Array.from({ length: 40 }, (_, i) => `t${i} `), delayMs: 5 });
    const saves: number[] = [];
    const repo = deps.repo;
    const counting = Object.create(repo) as ChatRepository;
    counting.save = async (conversation, messages = []) => {
      saves.push(messages.length);
      return repo.save(conversation, messages);
    };
    const session = ChatSession.create({ ...deps, repo: counting });
    const started = Date.now();
    await session.send('long');
    const elapsed = Date.now() - started;
    // One save when the turn starts, one at the end, and checkpoints in between at most every STREAM_CHECKPOINT_MS.
    expect(saves.length).toBeGreaterThanOrEqual(2);
    expect(saves.length).toBeLessThanOrEqual(2 + Math.ceil(elapsed / STREAM_CHECKPOINT_MS));
    expect(saves.length).toBeLessThan(40);
  });

  test('an answer left streaming by a closed tab opens as interrupted, and stays so', async () => {
    const { repo, deps } = setup();
    const conversation = { id: 'c', title: 'Old', createdAt: 1, updatedAt: 1 };
    await repo.save(conversation, [
      { id: 'u', conversationId: 'c', createdAt: 1, role: 'user', content: 'q', status: 'complete' },
      { id: 'a', conversationId: 'c', createdAt: 2, role: 'assistant', content: 'half an ans', status: 'streaming' },
    ]);
    const session = await ChatSession.open(deps, conversation);
    expect(session.messages[1]).toMatchObject({ status: 'interrupted', content: 'half an ans' });
    expect((await repo.loadMessages('c'))[1]?.status).toBe('interrupted');
  });

  test('a storage failure is reported and the conversation keeps working in memory', async () => {
    const { deps, storageErrors } = setup({ tokens: ['ok'] });
    const broken = Object.create(deps.repo) as ChatRepository;
    broken.save = async () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    const session = ChatSession.create({ ...deps, repo: broken });
    await session.send('q');
    expect(session.messages.map((message) => message.content)).toEqual(['q', 'ok']);
    expect(storageErrors.length).toBeGreaterThan(0);
    expect((storageErrors[0] as DOMException).name).toBe('QuotaExceededError');
  });

  test('rename keeps the title the user chose over the automatic one', async () => {
    const { repo, deps } = setup();
    const session = ChatSession.create(deps);
    await session.rename('My plan');
    await session.send('something else entirely');
    expect(session.conversation.title).toBe('My plan');
    await session.rename('Renamed');
    expect((await repo.getConversation(session.id))?.title).toBe('Renamed');
  });

  test('messages keep their order even if the clock steps back', async () => {
    let now = 1000;
    const { deps } = setup({ tokens: ['x'] }, { clock: { now: () => now } });
    const session = ChatSession.create(deps);
    await session.send('a');
    now = 10;
    await session.send('b');
    const times = session.messages.map((message) => message.createdAt);
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    expect(new Set(times).size).toBe(times.length);
  });

  test('each answer records what was sent; the inspector rebuilds the exact messages', async () => {
    const { deps } = setup({ tokens: ['A'] });
    const session = ChatSession.create(deps);
    await session.send('one', { template: { id: 't', version: 2, name: 'Tips' } });
    await session.send('two');
    const [question, first, , second] = session.messages;
    expect(question?.template).toEqual({ id: 't', version: 2, name: 'Tips' });
    expect(first).toMatchObject({ personaId: 'builtin:hearth', template: { id: 't', version: 2 } });
    expect(first?.request).toMatchObject({ system: 'Be brief.', messageIds: [question?.id], droppedIds: [], contextWindow: 4096 });
    expect(session.sentMessages(second!)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'A' },
      { role: 'user', content: 'two' },
    ]);
  });

  test('old turns are left out when the context window is small, and the answer says which', async () => {
    const { engine, deps } = setup({ tokens: ['ok'] }, {
      prepare: () => ({ systemPrompt: '', sampling: { ...DEFAULT_SAMPLING, max_tokens: 16 }, personaId: 'p', contextWindow: 200 }),
    });
    const session = ChatSession.create(deps);
    for (let turn = 0; turn < 6; turn++) await session.send(`question ${turn} ${'padding '.repeat(20)}`);
    const last = session.messages.at(-1)!;
    expect(last.request?.droppedIds.length).toBeGreaterThan(0);
    const sent = engine.requests.at(-1)!.messages;
    expect(sent[0]?.role).toBe('user');
    expect(sent.at(-1)?.content).toMatch(/^question 5/);
  });

  test('a question that cannot fit is answered with the reason, not sent', async () => {
    const { engine, deps } = setup({ tokens: ['x'] }, {
      prepare: () => ({ systemPrompt: '', sampling: DEFAULT_SAMPLING, personaId: 'p', contextWindow: 256 }),
    });
    const session = ChatSession.create(deps);
    await session.send('long '.repeat(500));
    expect(engine.requests).toHaveLength(0);
    expect(session.messages.at(-1)).toMatchObject({ role: 'assistant', status: 'error', error: expect.stringMatching(/context window/) });
  });
});

describe('ChatSession with the guard', () => {
  const deterministic = { ...DEFAULT_SAMPLING, temperature: 0 };

  function guarded(limits: Partial<Limits> = {}, engineOptions: FakeEngineOptions = {}) {
    const gate = new Gate({ store: new GuardRepository(freshStore('guard')), coordination: memoryCoordination() });
    const ready = gate.setLimits({ ...DEFAULT_LIMITS, ...limits });
    const context = setup(engineOptions, {
      guard: gate,
      prepare: () => ({ systemPrompt: 'Be brief.', sampling: deterministic, personaId: 'builtin:hearth', contextWindow: 4096 }),
    });
    return { ...context, gate, ready };
  }

  test('a repeated question is served from the cache, marked, without calling the engine or spending tokens', async () => {
    const { deps, engine, gate, repo, ready } = guarded();
    await ready;
    await ChatSession.create(deps).send('What is Hearth?');
    const spent = (await gate.snapshot()).ledger.spent;
    expect(spent).toBeGreaterThan(0);

    const second = ChatSession.create(deps);
    expect(await second.send('What is Hearth?')).toBe(true);
    expect(engine.requests).toHaveLength(1);
    expect(second.messages[1]).toMatchObject({ content: 'Hello there.', status: 'complete', cached: true, model: 'fake-model' });
    expect((await repo.loadMessages(second.id))[1]).toMatchObject({ cached: true });
    expect((await gate.snapshot()).ledger.spent).toBe(spent);
  });

  test('regenerate asks the engine afresh, even when the answer is cached', async () => {
    const { deps, engine, ready } = guarded();
    await ready;
    await ChatSession.create(deps).send('q');
    const session = ChatSession.create(deps);
    await session.send('q');
    expect(session.messages[1]?.cached).toBe(true);
    expect(await session.regenerate()).toBe(true);
    expect(engine.requests).toHaveLength(2);
    expect(session.messages).toHaveLength(2);
    expect(session.messages[1]?.cached).toBeUndefined();
  });

  test('a refused request adds nothing; a refused regenerate keeps the old answer', async () => {
    const { deps, engine, repo, ready } = guarded({ requestsPerMinute: 1, burst: 1 });
    await ready;
    const session = ChatSession.create(deps);
    expect(await session.send('one')).toBe(true);
    expect(await session.send('two')).toBe(false);
    expect(await session.regenerate()).toBe(false);
    expect(session.generating).toBe(false);
    expect(session.messages.map((message) => message.content)).toEqual(['one', 'Hello there.']);
    expect((await repo.loadMessages(session.id)).map((message) => message.content)).toEqual(['one', 'Hello there.']);
    expect(engine.requests).toHaveLength(1);
  });

  test('the answer is capped to the budget left and says so when it reaches it', async () => {
    const tokens = Array.from({ length: 50 }, (_, i) => `w${i} `);
    // The prompt bound for "Be brief." + "q" is 64 + 9 + 8 + 1 + 8 = 90; 10 tokens are left for the answer.
    const { deps, engine, gate, ready } = guarded({ tokensPerDay: 100, requestsPerMinute: null }, { tokens });
    await ready;
    const session = ChatSession.create(deps);
    await session.send('q');
    expect(engine.requests[0]?.sampling.max_tokens).toBe(10);
    expect(session.messages[1]).toMatchObject({ status: 'complete', finishReason: 'length', stopReason: 'day-budget' });
    expect(session.messages[1]?.content).toBe(tokens.slice(0, 10).join(''));
    // Settled with the usage the engine reported.
    expect((await gate.snapshot()).ledger).toMatchObject({ spent: 15, reservations: [] });
  });

  test('an answer cut short is not cached', async () => {
    const { deps, engine, ready } = guarded({ maxTokensPerAnswer: 2 });
    await ready;
    await ChatSession.create(deps).send('q');
    const again = ChatSession.create(deps);
    await again.send('q');
    expect(engine.requests).toHaveLength(2);
    expect(again.messages[1]).toMatchObject({ stopReason: 'answer-limit', content: 'Hello there' });
  });

  test('if the guard itself fails, the answer goes ahead and the failure is reported', async () => {
    const { deps, storageErrors } = setup({}, {
      guard: {
        begin: async () => {
          throw new DOMException('full', 'QuotaExceededError');
        },
        finish: async () => {},
      },
    });
    const session = ChatSession.create(deps);
    expect(await session.send('q')).toBe(true);
    expect(session.messages[1]?.content).toBe('Hello there.');
    expect(storageErrors).toHaveLength(1);
  });
});
