import { describe, expect, test, vi } from 'vitest';
import { Chats, type ChatsDeps } from '../../../src/lib/chat/chats.svelte';
import { DEFAULT_SAMPLING } from '../../../src/lib/config';
import { fakeReadyEngine, freshRepositories, type FakeEngineOptions } from '../helpers';

function setup(engineOptions: FakeEngineOptions = {}) {
  const { chats: repo } = freshRepositories();
  const broadcasts: Array<string | null> = [];
  const deps: ChatsDeps = {
    repo,
    engine: () => fakeReadyEngine(engineOptions),
    prepare: () => ({ systemPrompt: '', sampling: DEFAULT_SAMPLING, personaId: 'builtin:hearth', contextWindow: 4096 }),
    onStorageError: (error) => {
      throw error;
    },
    broadcast: (id) => broadcasts.push(id),
  };
  return { repo, deps, broadcasts, chats: new Chats(deps) };
}

describe('Chats', () => {
  test('starts with a new empty chat when nothing is stored, and lists it once it has a message', async () => {
    const { chats } = setup();
    await chats.init();
    expect(chats.conversations).toEqual([]);
    expect(chats.active?.isEmpty).toBe(true);
    await chats.active!.send('first question');
    expect(chats.conversations.map((item) => item.title)).toEqual(['first question']);
  });

  test('newChat reuses an empty chat; select switches; the newest conversation is listed first', async () => {
    const { chats } = setup();
    await chats.init();
    await chats.active!.send('one');
    const first = chats.active!.id;
    chats.newChat();
    const empty = chats.active!;
    chats.newChat();
    expect(chats.active).toBe(empty);
    await chats.active!.send('two');
    expect(chats.conversations.map((item) => item.title)).toEqual(['two', 'one']);
    await chats.select(first);
    expect(chats.active!.messages[0]?.content).toBe('one');
  });

  test('a reload opens the most recent conversation with its messages', async () => {
    const { deps, chats } = setup();
    await chats.init();
    await chats.active!.send('remember me');
    const again = new Chats(deps);
    await again.init();
    expect(again.active?.conversation.title).toBe('remember me');
    expect(again.active?.messages.map((message) => message.content)).toEqual(['remember me', 'Hello there.']);
  });

  test('rename trims whitespace and ignores blank titles', async () => {
    const { chats, repo } = setup();
    await chats.init();
    await chats.active!.send('q');
    const id = chats.active!.id;
    await chats.rename(id, '  Trip   plans ');
    await chats.rename(id, '   ');
    expect(chats.conversations[0]?.title).toBe('Trip plans');
    expect((await repo.getConversation(id))?.title).toBe('Trip plans');
  });

  test('remove deletes, opens the next conversation, and restore brings everything back', async () => {
    const { chats, repo, broadcasts } = setup();
    await chats.init();
    await chats.active!.send('keep');
    chats.newChat();
    await chats.active!.send('drop');
    const dropId = chats.active!.id;
    const deleted = await chats.remove(dropId);
    expect(chats.conversations.map((item) => item.title)).toEqual(['keep']);
    expect(chats.active?.conversation.title).toBe('keep');
    expect(await repo.loadMessages(dropId)).toEqual([]);
    expect(broadcasts).toContain(dropId);

    await chats.restore(deleted!);
    expect(chats.conversations.map((item) => item.title).sort()).toEqual(['drop', 'keep']);
    expect(chats.active?.id).toBe(dropId);
    expect(chats.active?.messages).toHaveLength(2);
  });

  test('deleting a conversation while it is answering does not bring it back', async () => {
    const { chats, repo } = setup({ tokens: Array.from({ length: 50 }, () => 'x'), delayMs: 5 });
    await chats.init();
    const session = chats.active!;
    const sending = session.send('slow');
    await vi.waitFor(() => expect(session.messages[1]?.content.length).toBeGreaterThan(2));
    await chats.remove(session.id);
    await sending;
    expect(await repo.listConversations()).toEqual([]);
    expect(await repo.loadMessages(session.id)).toEqual([]);
  });

  test('clearAll empties storage and leaves a fresh chat open', async () => {
    const { chats, repo, broadcasts } = setup();
    await chats.init();
    await chats.active!.send('a');
    chats.newChat();
    await chats.active!.send('b');
    await chats.clearAll();
    expect(chats.conversations).toEqual([]);
    expect(chats.active?.isEmpty).toBe(true);
    expect(await repo.listConversations()).toEqual([]);
    expect(broadcasts.at(-1)).toBeNull();
  });

  test('refresh picks up another tab’s changes', async () => {
    const { chats, deps } = setup();
    await chats.init();
    await chats.active!.send('here');
    const otherTab = new Chats(deps);
    await otherTab.init();
    await otherTab.active!.send('and there');
    await chats.refresh(otherTab.active!.id);
    expect(chats.active!.messages.map((message) => message.content)).toEqual(['here', 'Hello there.', 'and there', 'Hello there.']);

    await otherTab.remove(otherTab.active!.id);
    await chats.refresh(null);
    expect(chats.conversations).toEqual([]);
    expect(chats.active?.isEmpty).toBe(true);
  });
});
