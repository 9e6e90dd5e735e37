/** The words a user reads: a conversation as Markdown, and what a backup holds and would change. */
import { describe, expect, test } from 'vitest';
import { conversationMarkdown } from '../../../src/lib/backup';
import { describeChanges, describeHoldings } from '../../../src/lib/backup/describe';
import { emptyCounts } from '../../../src/lib/backup/merge';
import type { ChatMessage, Conversation } from '../../../src/lib/chat/types';

const conversation: Conversation = { id: 'c1', title: 'Tides\nand   moons', createdAt: 0, updatedAt: 0 };
const at = Date.UTC(2026, 10, 25, 9, 30);

describe('a conversation as Markdown', () => {
  test('each message under who wrote it; a JSON answer fenced so its own backticks cannot close the fence', () => {
    const messages: ChatMessage[] = [
      { id: 'u', conversationId: 'c1', createdAt: at, role: 'user', content: 'Give JSON', status: 'complete' },
      { id: 'a', conversationId: 'c1', createdAt: at + 60_000, role: 'assistant', content: '{"code": "```"}', status: 'stopped', format: 'json', model: 'tiny', personaId: 'p1' },
    ];
    const markdown = conversationMarkdown(conversation, messages, { exportedAt: new Date(at), personaName: (id) => (id === 'p1' ? 'Owl' : undefined) });
    expect(markdown).toBe(
      [
        '# Tides and moons',
        '',
        '*Exported from Hearth on 2026-11-25 · 2 messages*',
        '',
        '---',
        '',
        '## You · 2026-11-25 09:30',
        '',
        'Give JSON',
        '',
        '---',
        '',
        '## Owl (tiny) · 2026-11-25 09:31',
        '',
        '````json',
        '{"code": "```"}',
        '````',
        '',
        '> Stopped before the end.',
        '',
      ].join('\n'),
    );
  });
});

describe('a backup in words', () => {
  test('what a file holds leaves out kinds it has none of', () => {
    expect(
      describeHoldings({ conversations: 2, messages: 1, templates: 0, templateVersions: 0, personas: 1, traces: 0, documents: 3, collections: 1, settings: false, limits: true }),
    ).toEqual(['2 conversations (1 message)', '1 persona', '3 attached documents (1 collection)', 'Limits']);
  });

  test('what a restore would do, with what stays as it is', () => {
    const counts = emptyCounts();
    counts.conversations = { added: 1, merged: 2, copied: 1, unchanged: 3 };
    counts.templates.updated = 1;
    counts.settings = 'kept';
    expect(describeChanges(counts, 4)).toEqual([
      'Add 1 conversation',
      'Add the missing messages to 2 conversations already here',
      'Keep 1 conversation that changed in both places as a copy marked “(imported)”',
      'Replace 1 template with the backup’s newer versions',
      'Add up to 4 traces (those already here are skipped)',
      'Keep this browser’s settings and limits (they are restored only into an empty browser)',
      'Leave what is already here as it is: 3 conversations',
    ]);
  });
});
