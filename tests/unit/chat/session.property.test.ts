/**
 * Chat state transitions against a model: any sequence of send, streamed tokens, stop, the
 * engine finishing or failing (a plain error or a crashed worker), regenerate/retry, rename in
 * this tab or another, reload, deleting the conversation (with or without Undo), the engine
 * being unloaded and the clock moving (also backwards) keeps the session's invariants after
 * every step:
 *
 * - messages alternate question, answer; ids are unique and never change; createdAt increases;
 * - at most one answer is streaming, it is the last message, and only while generating;
 * - the session shows exactly what the model says (a stopped or failed answer keeps its partial
 *   text, regenerate replaces only the last answer, refused actions change nothing);
 * - once idle, IndexedDB (read back through ChatRepository) holds exactly the session's
 *   messages and header, and the sidebar lists exactly what is stored; while streaming it holds
 *   the same, the answer up to its last checkpoint;
 * - the engine is asked with the history before the new answer (less answers with no text);
 * - a deleted conversation stays deleted; updatedAt never goes backwards nor before createdAt,
 *   in the session or in storage.
 *
 * The engine is driven by hand, token by token, so every interleaving is deterministic.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { Chats, type ChatsDeps } from '../../../src/lib/chat/chats.svelte';
import { titleFrom } from '../../../src/lib/chat/prompt';
import { ChatSession, type SessionDeps } from '../../../src/lib/chat/session.svelte';
import type { ChatMessage, MessageStatus } from '../../../src/lib/chat/types';
import { DEFAULT_SAMPLING, NEW_CONVERSATION_TITLE, STREAM_CHECKPOINT_MS } from '../../../src/lib/config';
import { EngineError, type ChatRequest, type ChatStreamEvent, type ReadyEngine } from '../../../src/lib/engine/protocol';
import type { ChatRepository } from '../../../src/lib/storage/chats';
import { awkwardText } from '../storage/arbitraries';
import { freshRepositories } from '../helpers';

type Step = { kind: 'token'; text: string } | { kind: 'end' } | { kind: 'fail'; error: Error };

/** An engine that writes nothing until the test hands it the next step. */
class ManualEngine implements ReadyEngine {
  readonly kind = 'scripted' as const;
  readonly modelId = 'manual';
  readonly backend = null;
  readonly contextWindow = 4096;
  readonly requests: ChatRequest[] = [];
  #next: ((step: Step | null) => void) | null = null;

  /** Waiting for its next step (a generation is under way and idle between tokens). */
  get waiting(): boolean {
    return this.#next !== null;
  }

  push(step: Step): void {
    const next = this.#next;
    if (!next) throw new Error('the engine is not waiting for a step');
    this.#next = null;
    next(step);
  }

  async *chat(request: ChatRequest, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> {
    this.requests.push(request);
    let sent = 0;
    for (;;) {
      const step = await new Promise<Step | null>((resolve) => {
        if (signal?.aborted) return resolve(null);
        const onAbort = () => {
          if (this.#next !== settle) return;
          this.#next = null;
          resolve(null);
        };
        const settle = (step: Step | null) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(step);
        };
        this.#next = settle;
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      if (!step || step.kind === 'end') break;
      if (step.kind === 'fail') throw step.error;
      sent++;
      yield { type: 'delta', text: step.text };
    }
    yield {
      type: 'done',
      finishReason: signal?.aborted ? 'aborted' : 'stop',
      usage: { promptTokens: 1, completionTokens: sent },
      timings: { timeToFirstTokenMs: 1, totalMs: 2, decodeTokensPerSecond: 100 },
    };
  }
}

/** Web Locks as far as liveness.ts uses them, so another tab sees which answer is still streaming (Node has none). */
function memoryLocks(): Pick<LockManager, 'request' | 'query'> {
  const held = new Map<string, number>();
  return {
    request: (async (name: string, work: () => Promise<unknown>) => {
      held.set(name, (held.get(name) ?? 0) + 1);
      try {
        return await work();
      } finally {
        const count = (held.get(name) ?? 1) - 1;
        if (count === 0) held.delete(name);
        else held.set(name, count);
      }
    }) as LockManager['request'],
    query: async () => ({ held: [...held.keys()].map((name) => ({ name, mode: 'exclusive' as const, clientId: 'test' })), pending: [] }),
  };
}

type Action =
  | { kind: 'send'; text: string }
  | { kind: 'token'; text: string }
  | { kind: 'finish' }
  | { kind: 'fail'; crash: boolean }
  | { kind: 'stop' }
  | { kind: 'regenerate' }
  | { kind: 'rename'; title: string }
  | { kind: 'renameElsewhere'; title: string }
  | { kind: 'reload' }
  | { kind: 'delete'; undo: boolean }
  | { kind: 'engine'; loaded: boolean }
  | { kind: 'clock'; ms: number };

const plainText = fc.constantFrom('hello', '  padded question  ', 'What is Hearth?', 'a much longer question that will not fit in a title of forty-eight characters', ' \n ', '');
const someText = fc.oneof({ weight: 3, arbitrary: plainText }, { weight: 1, arbitrary: awkwardText });

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('send' as const), text: someText }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('token' as const), text: fc.oneof(fc.constantFrom('Hi', ' there', '.', ''), awkwardText) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('finish' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fail' as const), crash: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('stop' as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('regenerate' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rename' as const), title: someText }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('renameElsewhere' as const), title: someText }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reload' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), undo: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('engine' as const), loaded: fc.boolean() }) },
  // Mostly forward, past the checkpoint interval now and then; sometimes the clock steps back.
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('clock' as const), ms: fc.oneof(fc.integer({ min: 0, max: 2 * STREAM_CHECKPOINT_MS }), fc.integer({ min: -5000, max: -1 })) }) },
);

/** A message as the model knows it; `id` is learnt when the session creates it. */
interface Expected {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  status: MessageStatus;
}

interface Model {
  messages: Expected[];
  title: string;
  generating: boolean;
  /** The conversation has been written to storage. */
  persisted: boolean;
  engineLoaded: boolean;
}

const freshModel = (engineLoaded: boolean): Model => ({ messages: [], title: NEW_CONVERSATION_TITLE, generating: false, persisted: false, engineLoaded });

/** The app under test: one tab's Chats over a fresh database, a second tab on demand. */
class World {
  readonly engine = new ManualEngine();
  readonly repo: ChatRepository;
  readonly chats: Chats;
  readonly deps: ChatsDeps;
  now = 1_000_000;
  engineLoaded = true;
  /** Storage requests not yet answered, from either tab. */
  inFlight = 0;
  /** The send or regenerate under way. */
  running: Promise<boolean> | null = null;
  readonly storageErrors: unknown[] = [];
  readonly deleted = new Set<string>();
  /** The last updatedAt seen, by `session:` or `storage:` and conversation id. */
  readonly updatedAt = new Map<string, number>();
  #ids = 0;

  constructor() {
    const { chats: repo } = freshRepositories();
    this.repo = counting(repo, (delta) => (this.inFlight += delta));
    this.deps = {
      repo: this.repo,
      engine: () => (this.engineLoaded ? this.engine : null),
      prepare: () => ({ systemPrompt: 'Be brief.', sampling: DEFAULT_SAMPLING, personaId: 'builtin:hearth', contextWindow: 4096 }),
      onStorageError: (error) => this.storageErrors.push(error),
      clock: { now: () => this.now },
      newId: () => `id-${++this.#ids}`,
    };
    this.chats = new Chats(this.deps);
  }

  get session(): ChatSession {
    const active = this.chats.active;
    if (!active) throw new Error('no active session');
    return active;
  }

  /** Waits until nothing moves: the engine waits for its next step, or the generation is over, and storage is quiet. */
  async settle(): Promise<void> {
    for (let spins = 0; spins < 20_000; spins++) {
      const generating = this.session.generating;
      if (this.inFlight === 0 && (generating ? this.engine.waiting : true)) {
        if (generating || !this.running) return;
        await this.running;
        this.running = null;
        continue;
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    throw new Error('the session never settled');
  }

  /** A second tab opens the conversation, renames it, and tells this one (as the broadcast channel does). */
  async renameElsewhere(title: string): Promise<void> {
    const stored = await this.repo.getConversation(this.session.id);
    if (!stored) throw new Error('renameElsewhere needs a stored conversation');
    const other = await ChatSession.open({ ...this.deps, onSaved: () => {} } satisfies SessionDeps, stored);
    await other.rename(title);
    await this.chats.refresh(stored.id);
  }
}

/** The repository, counting requests in flight. */
function counting(repo: ChatRepository, track: (delta: number) => void): ChatRepository {
  return new Proxy(repo, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        track(1);
        return (value as (...args: unknown[]) => Promise<unknown>).apply(target, args).finally(() => track(-1));
      };
    },
  });
}

/** A deep copy without the reactive proxies, undefined-valued fields kept (as IndexedDB keeps them). */
function plain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(plain) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)])) as T;
  return value;
}

const view = (messages: readonly ChatMessage[]) => messages.map(({ id, role, content, status }) => ({ id, role, content, status }));

/** The engine was asked with the conversation before the new answer, less answers that never wrote a word. */
function expectAsked(world: World, model: Model): void {
  const history = model.messages.slice(0, -1).filter((message) => message.role === 'user' || message.content.length > 0);
  expect(world.engine.requests.at(-1)?.messages).toEqual([{ role: 'system', content: 'Be brief.' }, ...history.map(({ role, content }) => ({ role, content }))]);
}

/** Applies one action to the app and the model, checking what the action itself returns. */
async function apply(world: World, model: Model, step: Action): Promise<void> {
  const session = world.session;
  const idle = !model.generating;
  switch (step.kind) {
    case 'send': {
      const content = step.text.trim();
      const before = session.messages.length;
      const sending = session.send(step.text);
      if (!content || !idle || !model.engineLoaded) {
        expect(await sending).toBe(false);
        break;
      }
      world.running = sending;
      await world.settle();
      if (model.messages.length === 0 && model.title === NEW_CONVERSATION_TITLE) model.title = titleFrom(content, NEW_CONVERSATION_TITLE);
      const [question, answer] = session.messages.slice(before);
      model.messages.push({ id: question!.id, role: 'user', content, status: 'complete' }, { id: answer!.id, role: 'assistant', content: '', status: 'streaming' });
      model.generating = true;
      model.persisted = true;
      expectAsked(world, model);
      break;
    }
    case 'regenerate': {
      const last = model.messages.at(-1);
      const regenerating = session.regenerate();
      if (!idle || !model.engineLoaded || last?.role !== 'assistant') {
        expect(await regenerating).toBe(false);
        break;
      }
      world.running = regenerating;
      await world.settle();
      model.messages.pop();
      model.messages.push({ id: session.messages.at(-1)!.id, role: 'assistant', content: '', status: 'streaming' });
      model.generating = true;
      expectAsked(world, model);
      break;
    }
    case 'token':
    case 'finish':
    case 'fail': {
      if (idle) break;
      const answer = model.messages.at(-1)!;
      if (step.kind === 'token') {
        world.engine.push({ kind: 'token', text: step.text });
        answer.content += step.text;
      } else if (step.kind === 'finish') {
        world.engine.push({ kind: 'end' });
        answer.status = 'complete';
        model.generating = false;
      } else {
        world.engine.push({ kind: 'fail', error: step.crash ? new EngineError('worker-crashed', 'The engine worker stopped.') : new Error('engine exploded') });
        answer.status = step.crash && answer.content ? 'interrupted' : 'error';
        model.generating = false;
      }
      await world.settle();
      break;
    }
    case 'stop': {
      await session.stop();
      await world.settle();
      if (!idle) {
        model.messages.at(-1)!.status = 'stopped';
        model.generating = false;
      }
      break;
    }
    case 'rename': {
      await session.rename(step.title);
      await world.settle();
      model.title = step.title;
      break;
    }
    case 'renameElsewhere': {
      if (!model.persisted) break;
      await world.renameElsewhere(step.title);
      await world.settle();
      model.title = step.title;
      break;
    }
    case 'reload': {
      await session.reload();
      await world.settle();
      break;
    }
    case 'delete': {
      const id = session.id;
      // Deleting stops the answer first.
      if (!idle) {
        model.messages.at(-1)!.status = 'stopped';
        model.generating = false;
      }
      const removing = world.chats.remove(id);
      const deleted = await removing;
      await world.settle();
      expect(await world.repo.getConversation(id)).toBeUndefined();
      expect(await world.repo.loadMessages(id)).toEqual([]);
      if (!model.persisted) {
        expect(deleted).toBeUndefined();
      } else {
        expect(deleted?.conversation.title).toBe(model.title);
        expect(view(deleted!.messages)).toEqual(model.messages);
      }
      if (step.undo && deleted) {
        await world.chats.restore(deleted);
        await world.settle();
        expect(world.session.id).toBe(id);
      } else {
        world.deleted.add(id);
        Object.assign(model, freshModel(model.engineLoaded));
        expect(world.session.id).not.toBe(id);
      }
      break;
    }
    case 'engine': {
      world.engineLoaded = model.engineLoaded = step.loaded;
      break;
    }
    case 'clock': {
      world.now += step.ms;
      break;
    }
  }
}

/** What must hold after every step. */
async function checkInvariants(world: World, model: Model): Promise<void> {
  const session = world.session;
  const messages = session.messages;

  // The session shows what the model says: content, status, ids (so nothing else was replaced).
  expect(session.generating).toBe(model.generating);
  expect(view(messages)).toEqual(model.messages);
  if (!model.generating) expect(session.conversation.title).toBe(model.title);

  // Question, answer, question, answer…; an answer is last only while it streams or once done.
  messages.forEach((message, index) => expect(message.role).toBe(index % 2 === 0 ? 'user' : 'assistant'));
  expect(messages.length % 2).toBe(0);
  const streaming = messages.filter((message) => message.status === 'streaming');
  expect(streaming.length).toBe(model.generating ? 1 : 0);
  if (model.generating) expect(messages.at(-1)?.status).toBe('streaming');
  expect(new Set(messages.map((message) => message.id)).size).toBe(messages.length);
  messages.forEach((message, index) => index > 0 && expect(message.createdAt).toBeGreaterThan(messages[index - 1]!.createdAt));

  // Storage: exactly the session's messages (the streaming answer up to its last checkpoint).
  const stored = await world.repo.loadMessages(session.id);
  const header = await world.repo.getConversation(session.id);
  const mine = plain(messages);
  if (!model.persisted) {
    expect(header).toBeUndefined();
    expect(stored).toEqual([]);
  } else if (model.generating) {
    expect(stored.slice(0, -1)).toStrictEqual(mine.slice(0, -1));
    const [storedAnswer, answer] = [stored.at(-1)!, mine.at(-1)!];
    expect(storedAnswer).toStrictEqual({ ...answer, content: storedAnswer.content });
    expect(answer.content.startsWith(storedAnswer.content)).toBe(true);
  } else {
    expect(stored).toStrictEqual(mine);
    expect(header).toStrictEqual(plain(session.conversation));
    // The sidebar lists exactly what is stored.
    expect(world.chats.conversations).toStrictEqual(await world.repo.listConversations());
  }

  // updatedAt never goes backwards, in the session or in storage, whatever the clock does.
  for (const [where, conversation] of [['session', session.conversation], ['storage', header]] as const) {
    if (!conversation) continue;
    const key = `${where}:${conversation.id}`;
    const seen = world.updatedAt.get(key);
    if (seen !== undefined) expect(conversation.updatedAt).toBeGreaterThanOrEqual(seen);
    expect(conversation.updatedAt).toBeGreaterThanOrEqual(conversation.createdAt);
    world.updatedAt.set(key, conversation.updatedAt);
  }

  // A deleted conversation is never written again.
  for (const id of world.deleted) {
    expect(await world.repo.getConversation(id)).toBeUndefined();
    expect(await world.repo.loadMessages(id)).toEqual([]);
  }
  expect(world.storageErrors).toEqual([]);
}

async function run(actions: readonly Action[]): Promise<void> {
  const world = new World();
  await world.chats.init();
  const model = freshModel(true);
  try {
    for (const step of actions) {
      await apply(world, model, step);
      await checkInvariants(world, model);
    }
  } finally {
    // Leave nothing streaming behind for the next run.
    await world.chats.active?.stop();
    await world.settle();
  }
}

describe('ChatSession state transitions', () => {
  beforeAll(() => {
    vi.stubGlobal('navigator', { locks: memoryLocks() });
  });
  afterAll(() => {
    vi.unstubAllGlobals();
  });

  test('any sequence of send, stream, stop, fail, regenerate, rename, reload and delete keeps the invariants', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 50, size: 'max' }), (actions) => run(actions)),
      { numRuns: 80 },
    );
  }, 60_000);

  test('long streams with checkpoints, stops, failures and retries keep the invariants', async () => {
    // Streams are weighted heavily here, so long answers with checkpoints, stops and retries are common.
    const streamy = fc.oneof(
      { weight: 2, arbitrary: fc.constant<Action>({ kind: 'send', text: 'q' }) },
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('token' as const), text: fc.constantFrom('a', 'b', 'c') }) },
      { weight: 2, arbitrary: fc.constant<Action>({ kind: 'clock', ms: STREAM_CHECKPOINT_MS }) },
      { weight: 1, arbitrary: fc.constantFrom<Action>({ kind: 'stop' }, { kind: 'finish' }, { kind: 'fail', crash: true }, { kind: 'fail', crash: false }, { kind: 'regenerate' }, { kind: 'reload' }) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(streamy, { minLength: 5, maxLength: 50, size: 'max' }), (actions) => run(actions)),
      { numRuns: 50 },
    );
  }, 60_000);
});
