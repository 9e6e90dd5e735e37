/** Restoring into a browser that has data of its own: keep both, never lose what is here. */
import { describe, expect, test } from 'vitest';
import type { BackupData, ConversationBackup } from '../../../src/lib/backup/format';
import { planRestore, type Existing } from '../../../src/lib/backup/merge';
import type { ChatMessage } from '../../../src/lib/chat/types';
import type { PromptTemplate } from '../../../src/lib/prompts/versions';
import { DEFAULT_SETTINGS } from '../../../src/lib/storage/settings';

const message = (id: string, createdAt: number, content = id): ChatMessage => ({ id, conversationId: 'c1', createdAt, role: 'user', content, status: 'complete' });
const chat = (messages: ChatMessage[], title = 'Trip'): ConversationBackup => ({ conversation: { id: 'c1', title, createdAt: 1, updatedAt: messages.at(-1)?.createdAt ?? 1 }, messages });
const template = (bodies: string[], updatedAt = bodies.length): PromptTemplate => ({
  id: 't1',
  name: 'Explain',
  createdAt: 1,
  updatedAt,
  versions: bodies.map((body, index) => ({ version: index + 1, body, createdAt: index + 1 })),
});

const backup = (data: Partial<BackupData>): BackupData => ({ conversations: [], templates: [], personas: [], settings: null, limits: null, traces: [], documents: [], ...data });

function here(data: { conversations?: ConversationBackup[]; templates?: PromptTemplate[] }): Existing {
  return {
    empty: false,
    conversations: new Map((data.conversations ?? []).map((entry) => [entry.conversation.id, entry])),
    templates: new Map((data.templates ?? []).map((item) => [item.id, item])),
    personas: new Map(),
    targets: new Map(),
  };
}

let ids = 0;
const newId = (): string => `new-${++ids}`;

describe('planning a restore into a browser with data', () => {
  test('a conversation that grew since the backup keeps its newer messages; the backup adds nothing', () => {
    const plan = planRestore(here({ conversations: [chat([message('a', 1), message('b', 2)])] }), [backup({ conversations: [chat([message('a', 1)])] })], { newId });
    expect(plan.conversations).toEqual([]);
    expect(plan.counts.conversations).toMatchObject({ unchanged: 1 });
  });

  test('a backup with more messages adds only the missing ones and keeps this browser’s title', () => {
    const plan = planRestore(here({ conversations: [chat([message('a', 1)], 'Renamed here')] }), [backup({ conversations: [chat([message('a', 1), message('b', 2)])] })], { newId });
    expect(plan.counts.conversations).toMatchObject({ merged: 1 });
    expect(plan.conversations).toEqual([{ conversation: expect.objectContaining({ id: 'c1', title: 'Renamed here', updatedAt: 2 }), messages: [message('b', 2)], merge: true }]);
  });

  test('histories that diverged are both kept: the backup’s becomes a copy with new ids', () => {
    const plan = planRestore(here({ conversations: [chat([message('a', 1), message('b', 2)])] }), [backup({ conversations: [chat([message('a', 1), message('c', 3)])] })], { newId });
    expect(plan.counts.conversations).toMatchObject({ copied: 1 });
    const [copy] = plan.conversations;
    expect(copy?.conversation.title).toBe('Trip (imported)');
    expect(copy?.conversation.id).not.toBe('c1');
    expect(copy?.messages.map((item) => item.content)).toEqual(['a', 'c']);
    expect(copy?.messages.every((item) => item.conversationId === copy.conversation.id && !['a', 'c'].includes(item.id))).toBe(true);
  });

  test('a template with more versions in the backup replaces the older one; fewer versions keep this browser’s', () => {
    const newer = planRestore(here({ templates: [template(['v1'])] }), [backup({ templates: [template(['v1', 'v2'])] })], { newId });
    expect(newer.templates).toEqual([template(['v1', 'v2'])]);
    const older = planRestore(here({ templates: [template(['v1', 'v2'])] }), [backup({ templates: [template(['v1'])] })], { newId });
    expect(older.templates).toEqual([]);
    const diverged = planRestore(here({ templates: [template(['v1', 'mine'])] }), [backup({ templates: [template(['v1', 'theirs'])] })], { newId });
    expect(diverged.templates.map((item) => item.name)).toEqual(['Explain (imported)']);
  });

  test('settings are restored only into an empty browser', () => {
    const settings = { ...DEFAULT_SETTINGS, engine: 'scripted' as const };
    expect(planRestore(here({}), [backup({ settings })]).settings).toBeNull();
    expect(planRestore({ ...here({}), empty: true }, [backup({ settings })]).settings).toEqual(settings);
  });
});
