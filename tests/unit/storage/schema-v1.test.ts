import { createStore, promisifyRequest } from 'idb-keyval';
import { beforeAll, describe, expect, test } from 'vitest';
import { openTraceRepository } from '../../../src/lib/observe';
import { RagRepository } from '../../../src/lib/rag/repository';
import { DATABASES, openRepositories, type Repositories } from '../../../src/lib/storage/db';
import { SCHEMA_VERSION } from '../../../src/lib/storage/schema';
import { STORAGE_V1, decodeFixtureValue } from '../../fixtures/storage-fixture';

/** Writes the fixture into the app's own databases, as a browser that ran the first release would have them. */
async function seed(): Promise<void> {
  for (const [database, stores] of Object.entries(STORAGE_V1)) {
    for (const [storeName, records] of Object.entries(stores)) {
      await createStore(database, storeName)('readwrite', (store) => {
        for (const record of records) store.put(decodeFixtureValue(record.value), record.key);
        return promisifyRequest(store.transaction);
      });
    }
  }
}

const withoutSchema = (value: unknown): unknown => {
  const { schema: _schema, ...rest } = value as Record<string, unknown>;
  return rest;
};
const fixtureValues = (database: string, kind: string): unknown[] =>
  Object.values(STORAGE_V1[database] ?? {})
    .flat()
    .filter((record) => Array.isArray(record.key) && record.key[0] === kind)
    .map((record) => withoutSchema(record.value));

let repos: Repositories;

beforeAll(async () => {
  await seed();
  repos = openRepositories();
});

describe('data stored by the first released schema', () => {
  test('the fixture covers every database the first release kept', () => {
    // Databases added since are new to every browser: there is nothing older of theirs to read.
    const addedLater = new Set(['hearth-endpoint']);
    const firstRelease = Object.values(DATABASES).map(([database]) => database).filter((database) => !addedLater.has(database));
    expect(Object.keys(STORAGE_V1).sort()).toEqual(firstRelease.sort());
    // When SCHEMA_VERSION moves on, this fixture stays at 1 and migrations must carry it forward.
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(1);
  });

  test('conversations and every message read back unchanged, Unicode included', async () => {
    const conversations = await repos.chats.listConversations();
    expect(conversations.map((conversation) => conversation.title)).toEqual(['Second conversation', 'Explain tides simply.']);
    expect(conversations).toEqual(expect.arrayContaining(fixtureValues('hearth-chats', 'conversation') as object[]));
    const messages = (await Promise.all(conversations.map((conversation) => repos.chats.loadMessages(conversation.id)))).flat();
    expect(messages).toHaveLength(6);
    expect(new Set(messages)).toEqual(new Set(fixtureValues('hearth-chats', 'message')));
    expect(messages.map((message) => message.content)).toContain('What causes tides? \u200fעברית\u200f a\u200db');
    const withTemplate = messages.find((message) => message.role === 'user' && message.template);
    expect(withTemplate?.template).toMatchObject({ name: 'Explain', version: 1 });
    expect(messages.some((message) => message.retrieval && message.retrieval.sources.length > 0)).toBe(true);
  });

  test('templates keep every version; the persona and the settings that point at it survive', async () => {
    const [template] = await repos.prompts.templates();
    expect(template?.name).toBe('Explain');
    expect(template?.versions.map((version) => version.body)).toEqual(['Explain {{topic}} simply.', 'Explain {{topic}} to a child — مرحبا 👩‍👩‍👧.']);
    const [persona] = await repos.prompts.personas();
    expect(persona).toMatchObject({ name: 'Pirate', avatar: { kind: 'emoji', emoji: '🏴‍☠️' }, systemPrompt: 'Answer like a friendly pirate.' });
    const settings = await repos.settings.load();
    expect(settings.personaId).toBe(persona?.id);
    expect(settings.lastModels).toEqual({ scripted: 'hearth-scripted-demo' });
  });

  test('limits, the budget ledger and the rate bucket are read, not reset', async () => {
    const guard = await repos.guard.load();
    expect(guard.limits.requestsPerMinute).toBe(12);
    expect(guard.ledger?.spent).toBeGreaterThan(0);
    expect(guard.bucket).not.toBeNull();
  });

  test('traces with their feedback and evaluations', async () => {
    const traces = openTraceRepository();
    expect(await traces.count()).toBe(3);
    const page = await traces.list({}, 0, 10);
    const rated = page.items.filter((trace) => trace.feedback);
    expect(rated.map((trace) => trace.feedback?.rating)).toEqual(['up']);
    expect(page.items.every((trace) => trace.evals && Object.keys(trace.evals).length > 0)).toBe(true);
  });

  test('attached documents, their text and their search index', async () => {
    const [database, store] = DATABASES.rag;
    const rag = new RagRepository(createStore(database, store));
    const conversationId = fixtureValues('hearth-chats', 'conversation')
      .map((value) => value as { id: string; title: string })
      .find((conversation) => conversation.title === 'Explain tides simply.')?.id as string;
    const stored = await rag.load({ kind: 'conversation', id: conversationId });
    expect(stored.documents.map((document) => document.document.name)).toEqual(['notes.md']);
    expect(stored.documents[0]?.text).toContain('Tides are caused by the Moon.');
    expect(stored.index?.json.length).toBeGreaterThan(0);
  });
});
