import { describe, expect, test } from 'vitest';
import { ChatSession, type SessionDeps } from '../../../src/lib/chat/session.svelte';
import { DEFAULT_SAMPLING } from '../../../src/lib/config';
import { screenRequest } from '../../../src/lib/endpoint/pii-gate';
import { EngineError, type ChatRequest, type ChatStreamEvent, type ReadyEngine } from '../../../src/lib/engine/protocol';
import { fakeReadyEngine, freshRepositories } from '../helpers';

// Luhn-valid Visa test number, mod-97-valid IBAN.
const CARD = '4111 1111 1111 1111';
const IBAN = 'GB82 WEST 1234 5698 7654 32';

const request = (...contents: string[]): ChatRequest => ({
  messages: contents.map((content, index) => ({ role: index === 0 ? 'system' : index % 2 === 1 ? 'user' : 'assistant', content })),
  sampling: DEFAULT_SAMPLING,
});

describe('PII gate', () => {
  test('off sends everything as it is', () => {
    const asked = request('Be brief.', `Charge ${CARD}`);
    expect(screenRequest(asked, 'off')).toEqual({ kind: 'send', request: asked, redacted: [] });
  });

  test('redact replaces findings in every message, and lists what it replaced', () => {
    const screened = screenRequest(request('Reply to ada@example.org.', `Pay ${CARD}`, 'Done.', `Now to ${IBAN}, not order 1234-5678`), 'redact');
    expect(screened.kind).toBe('send');
    if (screened.kind !== 'send') return;
    expect(screened.request.messages.map((message) => message.content)).toEqual(['Reply to [EMAIL].', 'Pay [CREDIT_CARD]', 'Done.', 'Now to [IBAN], not order 1234-5678']);
    expect(screened.redacted).toEqual(['email', 'credit-card', 'iban']);
    expect(screened.request.sampling).toBe(DEFAULT_SAMPLING);
  });

  test('look-alikes pass: a number failing Luhn is not a card', () => {
    expect(screenRequest(request('', 'Order 4111 1111 1111 1112 shipped'), 'block')).toMatchObject({ kind: 'send', redacted: [] });
  });

  test('block refuses, saying what was found and where', () => {
    const blocked = screenRequest(request('Be brief.', `My card is ${CARD}, mail me at ada@example.org`), 'block');
    expect(blocked).toMatchObject({ kind: 'block', found: ['credit-card', 'email'] });
    expect(blocked.kind === 'block' && blocked.message).toBe(
      'Not sent: your message contains a card number and an email address, and your privacy setting keeps personal data from leaving this device for your server. Remove it and send again, or change “Personal data” under Models → Your server.',
    );
    const history = screenRequest(request('Signed: ada@example.org', `IBAN ${IBAN}`, 'Noted.', 'And now?'), 'block');
    expect(history.kind === 'block' && history.message).toMatch(/^Not sent: earlier messages in this conversation contain an IBAN, and the system prompt or the passages from attached documents contain an email address, and/);
  });
});

describe('the chat session with a gate', () => {
  function setup(policy: 'redact' | 'block', engine: ReadyEngine & { requests: ChatRequest[] } = fakeReadyEngine({ tokens: ['OK'] })) {
    const blocked: string[] = [];
    const deps: SessionDeps = {
      repo: freshRepositories().chats,
      engine: () => engine,
      prepare: () => ({ systemPrompt: '', sampling: DEFAULT_SAMPLING, personaId: 'builtin:hearth', contextWindow: 4096 }),
      onSaved: () => {},
      onStorageError: (error) => {
        throw error;
      },
      screen: (_engine, asked) => screenRequest(asked, policy),
      onBlocked: (message) => blocked.push(message),
    };
    return { session: ChatSession.create(deps), engine, blocked };
  }

  test('blocked: nothing is sent and nothing is added; the reason is reported', async () => {
    const { session, engine, blocked } = setup('block');
    expect(await session.send(`Card ${CARD}`)).toBe(false);
    expect(engine.requests).toHaveLength(0);
    expect(session.messages).toHaveLength(0);
    expect(blocked).toHaveLength(1);
    expect(await session.send('No personal data here')).toBe(true);
    expect(engine.requests).toHaveLength(1);
  });

  test('redacted: the engine gets placeholders, the answer notes it, the inspector shows what was sent', async () => {
    const { session, engine } = setup('redact');
    expect(await session.send('Write to ada@example.org')).toBe(true);
    expect(engine.requests[0]?.messages.at(-1)?.content).toBe('Write to [EMAIL]');
    const answer = session.messages[1];
    expect(answer?.redacted).toEqual(['email']);
    // The conversation keeps what the user wrote.
    expect(session.messages[0]?.content).toBe('Write to ada@example.org');
    expect(answer && session.sentMessages(answer)?.at(-1)?.content).toBe('Write to [EMAIL]');
  });

  test('a rate-limited answer asks the guard to hold the engine until the server’s time', async () => {
    const holds: Array<[string, number]> = [];
    const limited: ReadyEngine = {
      kind: 'remote',
      modelId: 'remote:m',
      backend: null,
      contextWindow: 4096,
      // Fails before the first token, as a 429 does.
      async *chat(): AsyncGenerator<ChatStreamEvent> {
        throw new EngineError('rate-limited', 'The endpoint is limiting requests (HTTP 429).', { retryAt: 123_456 });
      },
    };
    const deps: SessionDeps = {
      repo: freshRepositories().chats,
      engine: () => limited,
      prepare: () => ({ systemPrompt: '', sampling: DEFAULT_SAMPLING, personaId: 'builtin:hearth', contextWindow: 4096 }),
      onSaved: () => {},
      onStorageError: () => {},
      guard: {
        begin: async () => ({ kind: 'admitted', ticket: { id: 't', conversationId: 'c', promptTokens: 1, maxTokens: 10, limitedBy: null, cacheKey: null } }),
        finish: async () => {},
        holdUntil: async (engine, at) => void holds.push([engine, at]),
      },
    };
    const session = ChatSession.create(deps);
    await session.send('Hello');
    expect(session.messages[1]).toMatchObject({ status: 'error', error: 'The endpoint is limiting requests (HTTP 429).' });
    expect(holds).toEqual([['remote', 123_456]]);
  });
});
