import { promisifyRequest } from 'idb-keyval';
import { describe, expect, test } from 'vitest';
import type { ChatMessage, Conversation } from '../../../src/lib/chat/types';
import { ChatRepository } from '../../../src/lib/storage/chats';
import { SCHEMA_VERSION } from '../../../src/lib/storage/schema';
import { freshStore } from '../helpers';

const conversation = (id: string, updatedAt: number, title = id): Conversation => ({ id, title, createdAt: 1, updatedAt });
const message = (conversationId: string, id: string, createdAt: number, content = id): ChatMessage => ({
  id,
  conversationId,
  createdAt,
  role: 'user',
  content,
  status: 'complete',
});

describe('ChatRepository', () => {
  test('a write refused while merging the header (storage full) rejects the save and writes nothing', async () => {
    const store = freshStore();
    const repo = new ChatRepository(store);
    await repo.save(conversation('c', 100, 'Before'), [message('c', 'kept', 1)]);
    const full: typeof store = (mode, callback) =>
      store(mode, (objectStore) => {
        // The header's put runs in a request callback; messages are put first, synchronously.
        let puts = 0;
        objectStore.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
          if (++puts > 1) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          return IDBObjectStore.prototype.put.apply(this, args);
        };
        return callback(objectStore);
      });
    const refused = new ChatRepository(full).save(conversation('c', 200, 'After'), [message('c', 'lost', 2)], new Set(['title']));
    await expect(refused).rejects.toMatchObject({ name: 'QuotaExceededError' });
    expect((await repo.getConversation('c'))?.title).toBe('Before');
    expect((await repo.loadMessages('c')).map((item) => item.id)).toEqual(['kept']);
  });

  test('lists conversations newest first, each with a schema version', async () => {
    const store = freshStore();
    const repo = new ChatRepository(store);
    await repo.save(conversation('old', 100));
    await repo.save(conversation('new', 300));
    await repo.save(conversation('mid', 200));
    expect((await repo.listConversations()).map((item) => item.id)).toEqual(['new', 'mid', 'old']);
    const raw = await store('readonly', (s) => promisifyRequest(s.getAll()));
    expect(raw.every((record: { schema?: number }) => record.schema === SCHEMA_VERSION)).toBe(true);
  });

  test('keeps each conversation’s messages apart and in order', async () => {
    const repo = new ChatRepository(freshStore());
    await repo.save(conversation('a', 1), [message('a', 'm2', 20), message('a', 'm1', 10)]);
    await repo.save(conversation('b', 2), [message('b', 'x', 15)]);
    await repo.save(conversation('a', 3), [message('a', 'm3', 30)]);
    expect((await repo.loadMessages('a')).map((item) => item.id)).toEqual(['m1', 'm2', 'm3']);
    expect((await repo.loadMessages('b')).map((item) => item.id)).toEqual(['x']);
  });

  test('saving a message again updates it in place', async () => {
    const repo = new ChatRepository(freshStore());
    await repo.save(conversation('a', 1), [message('a', 'm', 10, 'partial')]);
    await repo.save(conversation('a', 1), [message('a', 'm', 10, 'partial and complete')]);
    expect(await repo.loadMessages('a')).toEqual([expect.objectContaining({ id: 'm', content: 'partial and complete' })]);
  });

  test('two writers adding messages to one conversation lose nothing', async () => {
    const store = freshStore();
    const tabA = new ChatRepository(store);
    const tabB = new ChatRepository(store);
    await Promise.all([
      tabA.save(conversation('a', 1), [message('a', 'from-a', 10)]),
      tabB.save(conversation('a', 2), [message('a', 'from-b', 10)]),
    ]);
    expect((await tabA.loadMessages('a')).map((item) => item.id).sort()).toEqual(['from-a', 'from-b']);
  });

  test('delete removes a conversation with its messages and returns them for undo', async () => {
    const repo = new ChatRepository(freshStore());
    await repo.save(conversation('a', 1), [message('a', 'm1', 10), message('a', 'm2', 20)]);
    await repo.save(conversation('b', 2), [message('b', 'keep', 10)]);
    const deleted = await repo.deleteConversation('a');
    expect(deleted?.conversation.id).toBe('a');
    expect(deleted?.messages.map((item) => item.id)).toEqual(['m1', 'm2']);
    expect((await repo.listConversations()).map((item) => item.id)).toEqual(['b']);
    expect(await repo.loadMessages('a')).toEqual([]);
    expect(await repo.loadMessages('b')).toHaveLength(1);

    await repo.restore(deleted!);
    expect((await repo.listConversations()).map((item) => item.id)).toEqual(['b', 'a']);
    expect((await repo.loadMessages('a')).map((item) => item.id)).toEqual(['m1', 'm2']);
    expect(await repo.deleteConversation('missing')).toBeUndefined();
  });

  test('deleteMessages and clearAll', async () => {
    const repo = new ChatRepository(freshStore());
    const m1 = message('a', 'm1', 10);
    await repo.save(conversation('a', 1), [m1, message('a', 'm2', 20)]);
    await repo.deleteMessages([m1]);
    expect((await repo.loadMessages('a')).map((item) => item.id)).toEqual(['m2']);
    await repo.clearAll();
    expect(await repo.listConversations()).toEqual([]);
    expect(await repo.loadMessages('a')).toEqual([]);
  });

  test('a record from a newer Hearth is refused, not misread', async () => {
    const store = freshStore();
    const repo = new ChatRepository(store);
    await store('readwrite', (s) => {
      s.put({ ...conversation('future', 1), schema: SCHEMA_VERSION + 1 }, ['conversation', 'future']);
      return promisifyRequest(s.transaction);
    });
    await expect(repo.listConversations()).rejects.toThrow(/newer version of Hearth/);
  });
});
