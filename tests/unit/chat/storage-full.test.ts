import { describe, expect, test } from 'vitest';
import { ChatSession, type SessionDeps } from '../../../src/lib/chat/session.svelte';
import { DEFAULT_SAMPLING } from '../../../src/lib/config';
import type { ChatRepository } from '../../../src/lib/storage/chats';
import { fakeReadyEngine, freshRepositories } from '../helpers';

/** A repository whose writes fail with QuotaExceededError while `full` is set, as a full disk does. */
function fillable(repo: ChatRepository): { repo: ChatRepository; setFull(full: boolean): void } {
  let full = false;
  const save: ChatRepository['save'] = (...args) =>
    full ? Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError')) : repo.save(...args);
  return { repo: Object.assign(Object.create(repo) as ChatRepository, { save }), setFull: (value) => (full = value) };
}

function deps(repo: ChatRepository, events: string[]): SessionDeps {
  return {
    repo,
    engine: () => fakeReadyEngine({ tokens: ['an', ' answer'] }),
    prepare: () => ({ systemPrompt: '', sampling: DEFAULT_SAMPLING, personaId: 'builtin:hearth', contextWindow: 4096 }),
    onSaved: () => {},
    onStorageError: (error) => events.push(`error:${(error as DOMException).name}`),
    onStorageRecovered: () => events.push('recovered'),
  };
}

describe('storage full while chatting', () => {
  test('messages that could not be saved are written with the next save, and nothing stored is lost', async () => {
    const { chats } = freshRepositories();
    const { repo, setFull } = fillable(chats);
    const events: string[] = [];
    const session = ChatSession.create(deps(repo, events));
    await session.send('first');

    setFull(true);
    await session.send('second, while the disk is full');
    await session.rename('Renamed while full');
    expect(events.filter((event) => event === 'error:QuotaExceededError').length).toBeGreaterThan(0);
    expect(session.messages.map((message) => message.content)).toEqual(['first', 'an answer', 'second, while the disk is full', 'an answer']);
    // Already stored: untouched by the failed writes.
    expect((await chats.loadMessages(session.id)).map((message) => message.content)).toEqual(['first', 'an answer']);

    setFull(false);
    await session.send('third');
    expect(events.at(-1)).toBe('recovered');
    const stored = await chats.loadMessages(session.id);
    expect(stored.map((message) => message.content)).toEqual(['first', 'an answer', 'second, while the disk is full', 'an answer', 'third', 'an answer']);
    expect(stored.every((message) => message.status === 'complete')).toBe(true);
    expect((await chats.getConversation(session.id))?.title).toBe('Renamed while full');
  });

  test('a new conversation whose first save fails is stored whole by the next one', async () => {
    const { chats } = freshRepositories();
    const { repo, setFull } = fillable(chats);
    const events: string[] = [];
    setFull(true);
    const session = ChatSession.create(deps(repo, events));
    await session.send('hello');
    expect(await chats.getConversation(session.id)).toBeUndefined();
    setFull(false);
    await session.send('again');
    expect((await chats.loadMessages(session.id)).map((message) => message.content)).toEqual(['hello', 'an answer', 'again', 'an answer']);
  });
});
