import { describe, expect, test } from 'vitest';
import { createBackup, previewRestore, readBackup, restoreBackup, summarize } from '../../../src/lib/backup';
import type { ChatMessage, Conversation } from '../../../src/lib/chat/types';
import { dump, emptyWorld, FIXTURE_NOW, recordsOf, seededWorld, type World } from './world';

const NOW = new Date(FIXTURE_NOW);

async function backupText(world: World): Promise<string> {
  const { blob } = await createBackup(world.repos, { appVersion: '0.1.0', now: NOW });
  return blob.text();
}

const file = (text: string): Blob => new Blob([text], { type: 'application/json' });

async function restoreInto(target: World, text: string) {
  const parsed = await readBackup(file(text));
  return restoreBackup(target.repos, parsed);
}

describe('backup and restore into an empty browser', () => {
  test('every record of every kind comes back exactly as it was stored', async () => {
    const source = await seededWorld();
    const text = await backupText(source);
    const target = emptyWorld();
    const counts = await restoreInto(target, text);

    expect(counts).toMatchObject({
      conversations: { added: 2, merged: 0, copied: 0, unchanged: 0 },
      messages: 6,
      templates: { added: 1 },
      personas: { added: 1 },
      documents: { added: 1 },
      traces: { added: 3, duplicates: 0, expired: 0 },
      settings: 'restored',
      limits: 'restored',
    });
    const before = await dump(source);
    const after = await dump(target);
    // Conversations, messages, templates (every version), personas and traces: the very same records.
    expect(after.chats).toEqual(before.chats);
    expect(after.prompts).toEqual(before.prompts);
    expect(after.traces).toEqual(before.traces);
    // Documents: the same records; the search index is not in a backup (rebuilt from the chunks on first use).
    for (const kind of ['document', 'text', 'chunks']) expect(recordsOf(after.rag, kind)).toEqual(recordsOf(before.rag, kind));
    expect(recordsOf(after.rag, 'index')).toEqual([]);
    const [sourceTarget] = await source.repos.rag.targets();
    const [restoredTarget] = await target.repos.rag.targets();
    // A new target starts at revision 1, which makes index workers read it.
    expect(restoredTarget).toEqual({ ...sourceTarget, revision: 1 });
    // Settings and limits as the app reads them; usage counters and cached answers are not part of a backup.
    expect(await target.repos.settings.load()).toEqual(await source.repos.settings.load());
    expect((await target.repos.settings.load()).personaId).toBe('884a22b3-3286-4d4f-ae1b-149de25cb8f2');
    const guard = await target.repos.guard.load();
    expect(guard.limits).toEqual((await source.repos.guard.load()).limits);
    expect(guard).toMatchObject({ ledger: null, bucket: null, cache: [] });
  });

  test('the record of recent conversations is dropped, for the next start to write it from everything restored', async () => {
    const target = emptyWorld();
    await target.repos.chats.saveRecent([]);
    await restoreInto(target, await backupText(await seededWorld()));
    expect(await target.repos.chats.recentConversations()).toBeNull();
  });

  test('a backup of the restored browser holds the same data as the original backup', async () => {
    const source = await seededWorld();
    const text = await backupText(source);
    const target = emptyWorld();
    await restoreInto(target, text);
    // Equal as data: the checks rebuild each record in the order of its type's fields.
    expect(JSON.parse(await backupText(target))).toEqual(JSON.parse(text));
  });

  test('the file is plain JSON with the format and version at the top, one record per line', async () => {
    const text = await backupText(await seededWorld());
    const value = JSON.parse(text) as Record<string, unknown>;
    expect(value).toMatchObject({ format: 'hearth-backup', version: 1, exportedAt: NOW.toISOString(), appVersion: '0.1.0', contents: 'everything' });
    expect(text.split('\n').length).toBeGreaterThan(10);
  });

  test('the preview counts what the file holds and what a restore would do, and writes nothing', async () => {
    const source = await seededWorld();
    const parsed = await readBackup(file(await backupText(source)));
    expect(summarize(parsed.data)).toEqual({
      conversations: 2,
      messages: 6,
      templates: 1,
      templateVersions: 2,
      personas: 1,
      traces: 3,
      documents: 1,
      collections: 0,
      settings: true,
      limits: true,
    });
    const target = emptyWorld();
    const before = await dump(target);
    expect(await previewRestore(target.repos, parsed)).toMatchObject({ conversations: { added: 2 }, settings: 'restored' });
    expect(await dump(target)).toEqual(before);
  });

  test('restoring the same backup again changes nothing', async () => {
    const source = await seededWorld();
    const text = await backupText(source);
    const target = emptyWorld();
    await restoreInto(target, text);
    const once = await dump(target);
    const counts = await restoreInto(target, text);
    expect(counts).toMatchObject({
      conversations: { added: 0, unchanged: 2 },
      messages: 0,
      templates: { added: 0, unchanged: 1 },
      personas: { added: 0, unchanged: 1 },
      documents: { added: 0, unchanged: 1 },
      traces: { added: 0, duplicates: 3 },
      settings: 'kept',
    });
    const twice = await dump(target);
    expect(twice).toEqual(once);
  });

  test('script payloads, RTL marks, zero-width joiners and emoji are kept as inert text, unchanged', async () => {
    const source = emptyWorld();
    const payloads = [
      '<script>window.__pwned = true</script>',
      '<img src=x onerror="alert(1)">',
      '[click](javascript:alert(1))',
      '\u202Eevil.exe\u202C \u200fעברית\u200f a\u200db 👩‍👩‍👧 \u0000 end',
    ];
    const conversation: Conversation = { id: 'c1', title: '<b onmouseover=alert(1)>title</b>', createdAt: 1, updatedAt: 5 };
    const messages: ChatMessage[] = payloads.map((content, index) => ({
      id: `m${index}`,
      conversationId: 'c1',
      createdAt: index + 1,
      role: index % 2 === 0 ? 'user' : 'assistant',
      content,
      status: 'complete',
    }));
    await source.repos.chats.save(conversation, messages);
    const target = emptyWorld();
    await restoreInto(target, await backupText(source));
    expect(await target.repos.chats.getConversation('c1')).toEqual(conversation);
    expect((await target.repos.chats.loadMessages('c1')).map((message) => message.content)).toEqual(payloads);
    expect((globalThis as { __pwned?: boolean }).__pwned).toBeUndefined();
  });
});
