import { createStore, type UseStore } from 'idb-keyval';
import { ChatRepository } from '../../src/lib/storage/chats';
import { SettingsRepository } from '../../src/lib/storage/settings';

let databases = 0;

/** A store in a database of its own, so tests never see each other's data. */
export function freshStore(name = 'test'): UseStore {
  databases++;
  return createStore(`${name}-${databases}-${Math.random().toString(36).slice(2)}`, 'records');
}

export function freshRepositories(): { chats: ChatRepository; settings: SettingsRepository; store: UseStore } {
  const store = freshStore('chats');
  return { chats: new ChatRepository(store), settings: new SettingsRepository(freshStore('settings')), store };
}

import type { ChatRequest, ChatStreamEvent, ReadyEngine } from '../../src/lib/engine/protocol';

export interface FakeEngineOptions {
  tokens?: string[];
  /** Real milliseconds between tokens. */
  delayMs?: number;
  /** Throw after this many tokens. */
  failAfter?: number;
  /** What is thrown at `failAfter`; a plain Error by default. */
  failWith?: () => Error;
}

/** A ready engine that streams fixed tokens and records what it was asked. */
export function fakeReadyEngine(options: FakeEngineOptions = {}): ReadyEngine & { requests: ChatRequest[] } {
  const { tokens = ['Hello', ' there', '.'], delayMs = 0, failAfter, failWith = () => new Error('engine exploded') } = options;
  const requests: ChatRequest[] = [];
  return {
    kind: 'scripted',
    modelId: 'fake-model',
    backend: null,
    contextWindow: 4096,
    requests,
    async *chat(request: ChatRequest, signal?: AbortSignal): AsyncGenerator<ChatStreamEvent> {
      requests.push(request);
      let sent = 0;
      let finishReason: 'stop' | 'length' = 'stop';
      for (const token of tokens) {
        // Like real engines, stops at max_tokens.
        if (sent >= request.sampling.max_tokens) {
          finishReason = 'length';
          break;
        }
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (signal?.aborted) break;
        if (failAfter !== undefined && sent >= failAfter) throw failWith();
        sent++;
        yield { type: 'delta', text: token };
      }
      yield {
        type: 'done',
        finishReason: signal?.aborted ? 'aborted' : finishReason,
        usage: { promptTokens: 5, completionTokens: sent },
        timings: { timeToFirstTokenMs: 1, totalMs: 2, decodeTokensPerSecond: 100 },
      };
    },
  };
}
