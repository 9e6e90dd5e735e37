import { describe, expect, test, vi } from 'vitest';
import { Chats, type ChatsDeps } from '../../../src/lib/chat/chats.svelte';
import { DEFAULT_SAMPLING } from '../../../src/lib/config';
import { ChatRepository } from '../../../src/lib/storage/chats';
import { fakeReadyEngine, freshRepositories, freshStore, type FakeEngineOptions } from '../helpers';

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

  describe('a long list', () => {
    /** 8 stored conversations, the recent record keeping the newest 3; `conversation-0` is the newest. */
    async function longList() {
      const repo = new ChatRepository(freshStore('long-list'), 3);
      for (let index = 7; index >= 0; index--) {
        await repo.save({ id: `conversation-${index}`, title: `Conversation ${index}`, createdAt: 1000 - index, updatedAt: 1000 - index });
      }
      await repo.saveRecent(await repo.listConversations());
      const { deps } = setup();
      return { repo, deps: { ...deps, repo } };
    }

    test('start-up shows the recent conversations and opens the newest, then lists them all', async () => {
      const { repo, deps } = await longList();
      let readAll: () => void = () => {};
      const listed = new Promise<void>((resolve) => (readAll = resolve));
      const listConversations = repo.listConversations.bind(repo);
      vi.spyOn(repo, 'listConversations').mockImplementation(async () => {
        await listed;
        return listConversations();
      });
      const chats = new Chats(deps);
      await chats.init();
      expect(chats.conversations.map((item) => item.id)).toEqual(['conversation-0', 'conversation-1', 'conversation-2']);
      expect(chats.loaded).toBe(false);
      expect(chats.active?.id).toBe('conversation-0');
      const completed = chats.completeList();
      readAll();
      await completed;
      expect(chats.loaded).toBe(true);
      expect(chats.conversations).toHaveLength(8);
    });

    test('a conversation saved while the whole list is read keeps its new place', async () => {
      const { repo, deps } = await longList();
      let readAll: () => void = () => {};
      const listed = new Promise<void>((resolve) => (readAll = resolve));
      const listConversations = repo.listConversations.bind(repo);
      // The read sees storage as it was before the answer below was saved.
      const before = await listConversations();
      vi.spyOn(repo, 'listConversations').mockImplementation(async () => {
        await listed;
        return before;
      });
      const chats = new Chats(deps);
      await chats.init();
      await chats.select('conversation-2');
      const completed = chats.completeList();
      await chats.active!.send('a new question');
      readAll();
      await completed;
      expect(chats.conversations.map((item) => item.id)).toEqual([
        'conversation-2',
        'conversation-0',
        'conversation-1',
        'conversation-3',
        'conversation-4',
        'conversation-5',
        'conversation-6',
        'conversation-7',
      ]);
    });

    test('a stale recent record (a write that did not keep it, as an older Hearth makes) is corrected and written again', async () => {
      const { repo, deps } = await longList();
      await repo.save({ id: 'conversation-9', title: 'Written behind its back', createdAt: 2000, updatedAt: 2000 });
      await repo.saveRecent([]);
      const chats = new Chats(deps);
      await chats.init();
      await chats.completeList();
      expect(chats.conversations).toHaveLength(9);
      expect(chats.conversations[0]?.id).toBe('conversation-9');
      await vi.waitUntil(async () => (await repo.recentConversations())?.conversations.length === 3);
      expect((await repo.recentConversations())?.conversations.map((item) => item.id)).toEqual(['conversation-9', 'conversation-0', 'conversation-1']);
    });
  });
});
