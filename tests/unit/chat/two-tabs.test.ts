import { describe, expect, test } from 'vitest';
import { ChatSession, type SessionDeps } from '../../../src/lib/chat/session.svelte';
import { DEFAULT_SAMPLING } from '../../../src/lib/config';
import type { ReadyEngine } from '../../../src/lib/engine/protocol';
import type { ChatRepository } from '../../../src/lib/storage/chats';
import { fakeReadyEngine, freshRepositories } from '../helpers';

/** One tab: its own session over the shared database, told by the other tab when something changed. */
function tab(repo: ChatRepository, engine: ReadyEngine | null): SessionDeps {
  return {
    repo,
    engine: () => engine,
    prepare: () => ({ systemPrompt: '', sampling: DEFAULT_SAMPLING, personaId: 'builtin:hearth', contextWindow: 4096 }),
    onSaved: () => {},
    onStorageError: (error) => {
      throw error;
    },
  };
}

async function openBoth(engineA: ReadyEngine | null, engineB: ReadyEngine | null) {
  const { chats: repo } = freshRepositories();
  const first = ChatSession.create(tab(repo, fakeReadyEngine({ tokens: ['ok'] })));
  await first.send('hello');
  const conversation = (await repo.getConversation(first.id))!;
  // Each tab reads its own copy from the database.
  const a = await ChatSession.open(tab(repo, engineA), structuredClone(conversation));
  const b = await ChatSession.open(tab(repo, engineB), structuredClone(conversation));
  return { repo, a, b, id: first.id };
}

describe('two tabs on one conversation', () => {
  test('a rename in one tab survives the other tab streaming and saving an answer', async () => {
    const { repo, a, b, id } = await openBoth(fakeReadyEngine({ tokens: ['one', ' two', ' three'], delayMs: 15 }), null);
    const streaming = a.send('from A');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await b.rename('Renamed in B');
    await a.reload(); // the broadcast arrives while A streams
    await b.updateSettings({ systemPrompt: 'B says hi' });
    await streaming;

    const stored = await repo.getConversation(id);
    expect(stored).toMatchObject({ title: 'Renamed in B', settings: { systemPrompt: 'B says hi' } });
    // A re-read when its answer ended, so it shows B's changes too.
    expect(a.conversation.title).toBe('Renamed in B');
  });

  test('messages written by both tabs are all kept, and each tab sees them all after a reload', async () => {
    const { repo, a, b, id } = await openBoth(fakeReadyEngine({ tokens: ['A answer'], delayMs: 5 }), fakeReadyEngine({ tokens: ['B answer'], delayMs: 5 }));
    // Both answer at once (e.g. two remote endpoints need no GPU lock).
    await Promise.all([a.send('from A'), b.send('from B')]);
    const stored = (await repo.loadMessages(id)).map((message) => message.content);
    expect(stored).toEqual(expect.arrayContaining(['hello', 'ok', 'from A', 'A answer', 'from B', 'B answer']));
    expect(stored).toHaveLength(6);
    await Promise.all([a.reload(), b.reload()]);
    expect(a.messages.map((message) => message.content)).toEqual(stored);
    expect(b.messages.map((message) => message.content)).toEqual(stored);
  });

  test("a tab's own header change wins over the stored one, field by field", async () => {
    const { repo, a, b, id } = await openBoth(null, null);
    await a.rename('A title');
    await b.setResponseFormat({ type: 'json_object' });
    await a.updateSettings({ personaId: 'mine' });
    expect(await repo.getConversation(id)).toMatchObject({ title: 'A title', responseFormat: { type: 'json_object' }, settings: { personaId: 'mine' } });
    await b.setResponseFormat(undefined);
    expect((await repo.getConversation(id))?.responseFormat).toBeUndefined();
    expect((await repo.getConversation(id))?.title).toBe('A title');
  });
});
