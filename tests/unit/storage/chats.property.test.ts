/**
 * ChatRepository against a model: any sequence of saves, message deletions, conversation
 * deletions, restores (Undo) and clears leaves storage holding exactly what the model says,
 * byte for byte (awkward Unicode included), in order: conversations newest first, messages by
 * createdAt then id. The record of recent conversations stays a prefix of the full list.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ChatMessage, Conversation } from '../../../src/lib/chat/types';
import { ChatRepository, type DeletedConversation } from '../../../src/lib/storage/chats';
import { summaryOf } from '../../../src/lib/storage/recent';
import { anyId, byCreatedAtThenId, byNewest, conversationArbitrary, messageOf } from './arbitraries';
import { STORE_BACKENDS } from './backends';

type Op =
  | { kind: 'save'; conversation: number; header: Conversation; messages: Array<{ slot: number; message: ChatMessage }> }
  | { kind: 'deleteMessages'; conversation: number; picks: number[] }
  | { kind: 'delete'; conversation: number }
  | { kind: 'restore'; pick: number }
  | { kind: 'clearAll' }
  | { kind: 'readAll' };

const CONVERSATIONS = 4;
/** Fewer than the conversations, so the recent record is sometimes partial. */
const RECENT = 2;
const MESSAGE_SLOTS = 5;

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('save' as const),
      conversation: fc.nat(CONVERSATIONS - 1),
      header: conversationArbitrary(fc.constant('')),
      messages: fc.array(fc.record({ slot: fc.nat(MESSAGE_SLOTS - 1), message: messageOf('', fc.constant('')) }), { maxLength: 4 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('deleteMessages' as const), conversation: fc.nat(CONVERSATIONS - 1), picks: fc.array(fc.nat(), { maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), conversation: fc.nat(CONVERSATIONS - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('restore' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clearAll' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('readAll' as const) }) },
);

/** What storage should hold: headers and messages by conversation, messages by their storage key. */
class Model {
  readonly headers = new Map<string, Conversation>();
  readonly messages = new Map<string, Map<string, ChatMessage>>();

  static key(message: ChatMessage): string {
    return JSON.stringify([message.createdAt, message.id]);
  }

  save(conversation: Conversation, messages: readonly ChatMessage[]): void {
    this.headers.set(conversation.id, conversation);
    const stored = this.messages.get(conversation.id) ?? new Map<string, ChatMessage>();
    for (const message of messages) stored.set(Model.key(message), message);
    this.messages.set(conversation.id, stored);
  }

  messagesOf(id: string): ChatMessage[] {
    return [...(this.messages.get(id)?.values() ?? [])].sort(byCreatedAtThenId);
  }

  delete(id: string): DeletedConversation | undefined {
    const conversation = this.headers.get(id);
    const messages = this.messagesOf(id);
    this.headers.delete(id);
    this.messages.delete(id);
    return conversation && { conversation, messages };
  }
}

async function expectStoredEqualsModel(repo: ChatRepository, model: Model, ids: readonly string[]): Promise<void> {
  const all = await repo.listConversations();
  expect(all).toStrictEqual([...model.headers.values()].sort(byNewest));
  const recent = await repo.recentConversations();
  if (recent) {
    expect(recent.conversations.length).toBeLessThanOrEqual(RECENT);
    expect(recent.conversations).toStrictEqual(all.slice(0, recent.conversations.length).map(summaryOf));
    if (recent.complete) expect(recent.conversations).toHaveLength(all.length);
  }
  for (const id of ids) {
    expect(await repo.loadMessages(id)).toStrictEqual(model.messagesOf(id));
    expect(await repo.getConversation(id)).toStrictEqual(model.headers.get(id));
  }
}

describe.each(STORE_BACKENDS)('ChatRepository round trips (%s)', (_name, freshStore) => {
  test('any sequence of saves, deletes, restores and clears keeps exactly what was saved, in order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(anyId, { minLength: CONVERSATIONS, maxLength: CONVERSATIONS }),
        fc.uniqueArray(anyId, { minLength: MESSAGE_SLOTS, maxLength: MESSAGE_SLOTS }),
        fc.array(op, { minLength: 1, maxLength: 16 }),
        async (conversationIds, messageIds, ops) => {
          const repo = new ChatRepository(freshStore(), RECENT);
          const model = new Model();
          const undo: DeletedConversation[] = [];
          const conversationId = (index: number): string => conversationIds[index] as string;
          for (const step of ops) {
            switch (step.kind) {
              case 'save': {
                const id = conversationId(step.conversation);
                const header = { ...step.header, id };
                const messages = step.messages.map(({ slot, message }) => ({ ...message, id: messageIds[slot] as string, conversationId: id }));
                await repo.save(header, messages);
                model.save(header, messages);
                break;
              }
              case 'deleteMessages': {
                const stored = model.messagesOf(conversationId(step.conversation));
                if (stored.length === 0) break;
                const doomed = step.picks.map((pick) => stored[pick % stored.length] as ChatMessage);
                await repo.deleteMessages(doomed);
                for (const message of doomed) model.messages.get(message.conversationId)?.delete(Model.key(message));
                break;
              }
              case 'delete': {
                const id = conversationId(step.conversation);
                const deleted = await repo.deleteConversation(id);
                const expected = model.delete(id);
                expect(deleted).toStrictEqual(expected);
                if (deleted) undo.push(deleted);
                break;
              }
              case 'restore': {
                if (undo.length === 0) break;
                const [deleted] = undo.splice(step.pick % undo.length, 1) as [DeletedConversation];
                await repo.restore(deleted);
                model.save(deleted.conversation, deleted.messages);
                break;
              }
              case 'clearAll':
                await repo.clearAll();
                model.headers.clear();
                model.messages.clear();
                break;
              case 'readAll':
                // What start-up does after reading every header.
                await repo.saveRecent(await repo.listConversations());
                break;
            }
            await expectStoredEqualsModel(repo, model, conversationIds);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  test('a message survives storage exactly, whatever its text', async () => {
    await fc.assert(
      fc.asyncProperty(anyId, fc.array(messageOf(''), { minLength: 1, maxLength: 4 }), async (conversationId, generated) => {
        const repo = new ChatRepository(freshStore());
        // Unique keys, so the expected list is simply the generated one, sorted.
        const unique = new Map(generated.map((message) => [Model.key(message), { ...message, conversationId }]));
        const messages = [...unique.values()];
        const conversation = { id: conversationId, title: messages[0]?.content ?? '', createdAt: 1, updatedAt: 1 };
        await repo.save(conversation, messages);
        expect(await repo.loadMessages(conversationId)).toStrictEqual([...messages].sort(byCreatedAtThenId));
        expect((await repo.getConversation(conversationId))?.title).toBe(conversation.title);
      }),
      { numRuns: 80 },
    );
  });
});
