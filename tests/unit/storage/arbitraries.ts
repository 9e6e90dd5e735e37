/**
 * fast-check arbitraries for what Hearth stores: text that stresses storage (RTL, zero-width
 * joiners, combining marks, emoji ZWJ sequences, lone surrogates, NUL, very long strings) and
 * conversations and messages built from it. Shared by the storage and chat property tests.
 */
import fc from 'fast-check';
import type { ChatMessage, Conversation, MessageStatus } from '../../../src/lib/chat/types';

/** Pieces of text that break naive handling: each is kept whole so they combine in odd ways. */
export const AWKWARD_PIECES: readonly string[] = [
  '\u0000', // NUL: C strings end here, IndexedDB must not
  '\u200d', // zero-width joiner
  '\u200b', // zero-width space
  '\ufeff', // byte order mark
  '\u200e', // left-to-right mark
  '\u200f', // right-to-left mark
  '\u202e', // right-to-left override
  '\u2066', // left-to-right isolate
  'שלום עולם', // Hebrew (RTL)
  'مرحبا بالعالم', // Arabic (RTL, joining)
  'e\u0301', // e + combining acute
  'Z\u0351\u0352\u0353\u0354', // stacked combining marks
  'ที่', // Thai with combining vowels and tone marks
  '👩\u200d👩\u200d👧\u200d👦', // family: emoji ZWJ sequence
  '🏳\ufe0f\u200d🌈', // flag with variation selector and ZWJ
  '👍🏽', // emoji with skin tone modifier
  '🇫🇷', // regional indicator pair
  '𝕳𝖊𝖆𝖗𝖙𝖍', // astral plane letters (surrogate pairs)
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  '\udc00\ud800', // surrogates in the wrong order
  '\uffff', // a noncharacter
  '\r\n',
  '\t',
  '"\'\\`${}<>&',
];

const piece: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...AWKWARD_PIECES) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }) },
);

/** Short text made of awkward pieces (and sometimes the empty string). */
export const awkwardText: fc.Arbitrary<string> = fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join(''));

/** Mostly awkward short text; now and then a very long string (100k–600k UTF-16 units). */
export const storedText: fc.Arbitrary<string> = fc.oneof(
  { weight: 30, arbitrary: awkwardText },
  {
    weight: 1,
    arbitrary: fc.tuple(awkwardText, fc.integer({ min: 100_000, max: 600_000 })).map(([seed, length]) => (seed || 'x\u0000').repeat(Math.ceil(length / Math.max(seed.length, 1))).slice(0, length)),
  },
);

/** Ids are normally UUIDs; awkward ones check that key ordering and prefix ranges hold for any string. */
export const anyId: fc.Arbitrary<string> = fc.oneof(fc.uuid(), awkwardText.filter((text) => text.length > 0));

const statuses: readonly MessageStatus[] = ['streaming', 'complete', 'stopped', 'interrupted', 'error'];

/** A message of `conversationId`; `createdAt` from a small range so ties (broken by id) are common. */
export function messageOf(conversationId: string, ids: fc.Arbitrary<string> = anyId): fc.Arbitrary<ChatMessage> {
  return fc
    .record(
      {
        id: ids,
        createdAt: fc.integer({ min: 0, max: 40 }),
        role: fc.constantFrom('user' as const, 'assistant' as const),
        content: storedText,
        status: fc.constantFrom(...statuses),
        error: awkwardText,
        model: awkwardText,
        personaId: awkwardText,
        usage: fc.record({ promptTokens: fc.nat(), completionTokens: fc.nat() }, { noNullPrototype: true }),
        cached: fc.constant(true as const),
        template: fc.record({ id: anyId, version: fc.integer({ min: 1, max: 99 }), name: awkwardText }, { noNullPrototype: true }),
      },
      { requiredKeys: ['id', 'createdAt', 'role', 'content', 'status'], noNullPrototype: true },
    )
    .map((message) => ({ ...message, conversationId }));
}

export const conversationArbitrary = (ids: fc.Arbitrary<string> = anyId): fc.Arbitrary<Conversation> =>
  fc.record(
    {
      id: ids,
      title: storedText,
      createdAt: fc.integer({ min: 0, max: 2 ** 42 }),
      // A small range, so conversations often tie and the id decides the order.
      updatedAt: fc.integer({ min: 0, max: 20 }),
      settings: fc.record(
        {
          personaId: awkwardText,
          systemPrompt: storedText,
          sampling: fc.record({ temperature: fc.double({ min: 0, max: 2, noNaN: true }), max_tokens: fc.integer({ min: 1, max: 4096 }) }, { requiredKeys: [], noNullPrototype: true }),
          collections: fc.array(anyId, { maxLength: 3 }),
          excludedChunks: fc.array(awkwardText, { maxLength: 3 }),
        },
        { requiredKeys: [], noNullPrototype: true },
      ),
      responseFormat: fc.record({ type: fc.constant('json_object' as const), schema: awkwardText }, { requiredKeys: ['type'], noNullPrototype: true }),
    },
    { requiredKeys: ['id', 'title', 'createdAt', 'updatedAt'], noNullPrototype: true },
  );

/** Messages in the order the repository returns them: by createdAt, then by id (UTF-16 code units, as IndexedDB compares keys). */
export function byCreatedAtThenId(a: Pick<ChatMessage, 'createdAt' | 'id'>, b: Pick<ChatMessage, 'createdAt' | 'id'>): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Conversations in list order: newest first, ties by id. */
export function byNewest(a: Conversation, b: Conversation): number {
  return b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
