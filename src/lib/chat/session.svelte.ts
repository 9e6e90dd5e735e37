/**
 * One conversation as the user sees it: its messages, and the answer being generated.
 * Storage is written at message boundaries and at bounded checkpoints while streaming,
 * never per token.
 */
import { NEW_CONVERSATION_TITLE, STREAM_CHECKPOINT_MS } from '../config';
import { EngineError, type ChatRequest, type ReadyEngine, type ResponseFormat, type SamplingSettings } from '../engine/protocol';
import type { ChatRepository } from '../storage/chats';
import { holdWhileStreaming, isStreamingElsewhere } from './liveness';
import { buildEngineMessages, titleFrom } from './prompt';
import type { ChatMessage, Conversation } from './types';

export interface Clock {
  /** Wall-clock milliseconds. */
  now(): number;
}

export interface SessionDeps {
  repo: ChatRepository;
  /** The engine to answer with, or null while none is ready. */
  engine(): ReadyEngine | null;
  systemPrompt(): string;
  sampling(): SamplingSettings;
  /** Called after every successful save, with the conversation as stored. */
  onSaved(conversation: Conversation): void;
  /** A save failed (e.g. storage full); the session keeps working in memory. */
  onStorageError(error: unknown): void;
  clock?: Clock;
  newId?: () => string;
}

export class ChatSession {
  conversation: Conversation = $state() as Conversation;
  messages: ChatMessage[] = $state([]);
  generating = $state(false);

  #abort: AbortController | null = null;
  #running: Promise<void> | null = null;
  #persisted: boolean;
  #lastTimestamp = 0;
  readonly #deps: SessionDeps;
  readonly #clock: Clock;
  readonly #newId: () => string;

  private constructor(deps: SessionDeps, conversation: Conversation, messages: ChatMessage[], persisted: boolean) {
    this.#deps = deps;
    this.#clock = deps.clock ?? Date;
    this.#newId = deps.newId ?? (() => crypto.randomUUID());
    this.conversation = conversation;
    this.messages = messages;
    this.#persisted = persisted;
    this.#lastTimestamp = messages.at(-1)?.createdAt ?? 0;
  }

  /** A new, empty conversation; it is stored when its first message is sent. */
  static create(deps: SessionDeps): ChatSession {
    const now = (deps.clock ?? Date).now();
    const id = (deps.newId ?? (() => crypto.randomUUID()))();
    return new ChatSession(deps, { id, title: NEW_CONVERSATION_TITLE, createdAt: now, updatedAt: now }, [], false);
  }

  static async open(deps: SessionDeps, conversation: Conversation): Promise<ChatSession> {
    const messages = await deps.repo.loadMessages(conversation.id);
    const session = new ChatSession(deps, conversation, messages, true);
    await session.#markInterrupted();
    return session;
  }

  get id(): string {
    return this.conversation.id;
  }

  get isEmpty(): boolean {
    return this.messages.length === 0;
  }

  /** Sends a user message and streams the answer. Returns false when there was nothing to do. */
  async send(text: string): Promise<boolean> {
    const content = text.trim();
    if (!content || this.generating || !this.#deps.engine()) return false;
    if (this.isEmpty && this.conversation.title === NEW_CONVERSATION_TITLE) this.conversation.title = titleFrom(content);
    this.messages.push(this.#newMessage('user', content, 'complete'));
    await this.#generate();
    return true;
  }

  /** Replaces the last answer with a new one (also how a failed answer is retried). */
  async regenerate(): Promise<boolean> {
    const last = this.messages.at(-1);
    if (!last || last.role !== 'assistant' || this.generating || !this.#deps.engine()) return false;
    this.messages.pop();
    await this.#guard(this.#deps.repo.deleteMessages([$state.snapshot(last)]));
    await this.#generate();
    return true;
  }

  /** Stops the answer being generated; resolves once what arrived is saved. */
  async stop(): Promise<void> {
    this.#abort?.abort();
    await this.#running;
  }

  /** Renaming keeps the conversation's place in the list. An empty conversation is stored at its first message. */
  async rename(title: string): Promise<void> {
    this.conversation.title = title;
    if (this.#persisted) await this.#save([], false);
  }

  /** Turns JSON mode on (any JSON, or matching a schema) or off for this conversation's next answers. */
  async setResponseFormat(format: ResponseFormat | undefined): Promise<void> {
    if (format) this.conversation.responseFormat = format;
    else delete this.conversation.responseFormat;
    if (this.#persisted) await this.#save([], false);
  }

  /** Re-reads messages written by another tab; a session that is generating keeps its own. */
  async reload(): Promise<void> {
    if (this.generating) return;
    const stored = await this.#deps.repo.getConversation(this.id);
    if (!stored) return;
    this.conversation = stored;
    this.messages = await this.#deps.repo.loadMessages(this.id);
    this.#persisted = true;
    await this.#markInterrupted();
  }

  #generate(): Promise<void> {
    this.#running = this.#stream().finally(() => (this.#running = null));
    return this.#running;
  }

  async #stream(): Promise<void> {
    const engine = this.#deps.engine();
    if (!engine) throw new EngineError('not-loaded', 'No model is loaded.');
    const responseFormat = $state.snapshot(this.conversation.responseFormat);
    const request: ChatRequest = {
      messages: buildEngineMessages(this.#deps.systemPrompt(), this.messages),
      sampling: this.#deps.sampling(),
      ...(responseFormat ? { responseFormat } : {}),
    };
    this.messages.push(this.#newMessage('assistant', '', 'streaming'));
    // The proxied element, so token appends below are reactive.
    const answer = this.messages.at(-1) as ChatMessage;
    answer.engine = engine.kind;
    answer.model = engine.modelId;
    if (responseFormat) answer.format = 'json';

    const abort = new AbortController();
    this.#abort = abort;
    this.generating = true;
    await this.#save(this.messages.slice(-2));
    try {
      await holdWhileStreaming(answer.id, async () => {
        let lastCheckpoint = this.#clock.now();
        let checkpoint: Promise<void> | null = null;
        try {
          for await (const event of engine.chat(request, abort.signal)) {
            if (event.type === 'delta') {
              answer.content += event.text;
              const now = this.#clock.now();
              if (!checkpoint && now - lastCheckpoint >= STREAM_CHECKPOINT_MS) {
                lastCheckpoint = now;
                checkpoint = this.#save([answer], false).finally(() => (checkpoint = null));
              }
            } else {
              answer.status = event.finishReason === 'aborted' ? 'stopped' : 'complete';
              answer.finishReason = event.finishReason;
              answer.usage = event.usage;
              answer.timings = event.timings;
            }
          }
          if (answer.status === 'streaming') answer.status = abort.signal.aborted ? 'stopped' : 'complete';
        } catch (error) {
          answer.status = 'error';
          answer.error = error instanceof Error ? error.message : String(error);
        }
        await checkpoint;
      });
    } finally {
      this.#abort = null;
      this.generating = false;
      await this.#save([answer]);
    }
  }

  async #markInterrupted(): Promise<void> {
    const orphaned: ChatMessage[] = [];
    for (const message of this.messages) {
      if (message.status === 'streaming' && !(await isStreamingElsewhere(message.id))) {
        message.status = 'interrupted';
        orphaned.push(message);
      }
    }
    if (orphaned.length > 0) await this.#save(orphaned, false);
  }

  #newMessage(role: ChatMessage['role'], content: string, status: ChatMessage['status']): ChatMessage {
    // Strictly increasing within this tab, so messages keep their order even if the clock steps back.
    this.#lastTimestamp = Math.max(this.#clock.now(), this.#lastTimestamp + 1);
    return { id: this.#newId(), conversationId: this.id, createdAt: this.#lastTimestamp, role, content, status };
  }

  /** Saves the given messages (and the conversation header) in one transaction. */
  async #save(messages: readonly ChatMessage[], touch = true): Promise<void> {
    if (touch || !this.#persisted) this.conversation.updatedAt = this.#clock.now();
    const conversation = $state.snapshot(this.conversation);
    const saved = await this.#guard(
      this.#deps.repo.save(
        conversation,
        messages.map((message) => $state.snapshot(message)),
      ),
    );
    if (saved) {
      this.#persisted = true;
      this.#deps.onSaved(conversation);
    }
  }

  async #guard(write: Promise<void>): Promise<boolean> {
    try {
      await write;
      return true;
    } catch (error) {
      this.#deps.onStorageError(error);
      return false;
    }
  }
}
