/**
 * One conversation as the user sees it: its messages, and the answer being generated.
 * Storage is written at message boundaries and at bounded checkpoints while streaming,
 * never per token.
 */
import { NEW_CONVERSATION_TITLE, RETRIEVAL_SHARE, STREAM_CHECKPOINT_MS } from '../config';
import {
  EngineError,
  isEngineError,
  type ChatRequest,
  type EngineMessage,
  type ReadyEngine,
  type ResponseFormat,
  type SamplingSettings,
  type TokenUsage,
} from '../engine/protocol';
import type { Screening } from '../endpoint/pii-gate';
import type { Admission, GenerationGuard, Outcome, Ticket } from '../guard/gate';
import type { Trace, Tracer } from '../observe';
import { redactPii } from '../observe/eval/pii';
import type { ChatRepository, HeaderField } from '../storage/chats';
import { fitContext } from './context';
import { holdWhileStreaming, isStreamingElsewhere } from './liveness';
import { answeredHistory, titleFrom } from './prompt';
import type { AnswerRetrieval, ChatMessage, Conversation, RequestRecord, TemplateRef } from './types';

/** What the next answer is asked with, worked out from the conversation's settings. */
export interface PreparedRequest {
  systemPrompt: string;
  sampling: SamplingSettings;
  personaId: string;
  contextWindow: number;
}

/** What an answer records about how it was asked. */
type AnswerMeta = Pick<ChatMessage, 'personaId' | 'template' | 'request' | 'format' | 'retrieval' | 'redacted'>;

/** Sources found for a question: the text to put into the prompt, and the record kept with the answer. */
export interface Retrieved {
  block: string;
  retrieval: AnswerRetrieval;
}

export interface Clock {
  /** Wall-clock milliseconds. */
  now(): number;
}

export interface SessionDeps {
  repo: ChatRepository;
  /** The engine to answer with, or null while none is ready. */
  engine(): ReadyEngine | null;
  prepare(conversation: Conversation): PreparedRequest;
  /** Searches the conversation's documents for the question; null when it has none. */
  retrieve?(conversation: Conversation, question: string, tokenBudget: number): Promise<Retrieved | null>;
  /** The document search failed; the answer goes ahead without sources. */
  onRetrievalError?(error: unknown): void;
  /** Called after every successful save, with the conversation as stored. */
  onSaved(conversation: Conversation): void;
  /** A save failed (e.g. storage full); the session keeps working in memory. */
  onStorageError(error: unknown): void;
  /** A save succeeded after one failed: what was kept only in this tab is stored now. */
  onStorageRecovered?(): void;
  /** Rate limits, token budgets and the response cache; without one, every request goes to the engine. */
  guard?: GenerationGuard;
  /** Records a trace of every generation (spans, settings, usage, timings); without one, nothing is traced. */
  tracer?: Tracer;
  /** The display name of a persona, for traces. */
  personaName?(personaId: string): string;
  /**
   * What may leave the device: a request about to go to `engine` is sent as is, with personal
   * data redacted, or not at all (see endpoint/pii-gate.ts). Without one, everything is sent.
   */
  screen?(engine: ReadyEngine, request: ChatRequest): Screening;
  /** A request was refused by `screen`; the message says why. */
  onBlocked?(message: string): void;
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
  /** Header fields changed here and not yet saved: a save writes only these over what is stored. */
  readonly #changedFields = new Set<HeaderField>();
  /** Messages whose last write failed (storage full, say): written again with the next save. */
  readonly #unsaved = new Set<string>();
  #lastSaveFailed = false;
  /** Another tab changed this conversation while an answer was streaming here; re-read when it ends. */
  #reloadPending = false;
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

  /**
   * Sends a user message and streams the answer (or serves it from the response cache).
   * Returns false when there was nothing to do, or the guard refused: the message is then not added.
   */
  async send(text: string, options: { template?: TemplateRef } = {}): Promise<boolean> {
    const content = text.trim();
    if (!content || this.generating || !this.#deps.engine()) return false;
    const question = this.#newMessage('user', content, 'complete');
    if (options.template) question.template = options.template;
    return this.#answer([...this.messages, question], { useCache: true }, () => {
      if (this.isEmpty && this.conversation.title === NEW_CONVERSATION_TITLE) this.#setHeader('title', titleFrom(content, NEW_CONVERSATION_TITLE));
      this.messages.push(question);
    });
  }

  /** This conversation's own settings; they apply from the next answer on. */
  async updateSettings(settings: Conversation['settings']): Promise<void> {
    this.#setHeader('settings', settings && Object.keys(settings).length > 0 ? settings : undefined);
    if (this.#persisted) await this.#save([], false);
  }

  /** The exact messages array an answer was asked with, rebuilt from its request record. */
  sentMessages(answer: ChatMessage): EngineMessage[] | null {
    const request = answer.request;
    if (!request) return null;
    const byId = new Map(this.messages.map((message) => [message.id, message]));
    const messages: EngineMessage[] = request.system ? [{ role: 'system', content: request.system }] : [];
    for (const id of request.messageIds) {
      const message = byId.get(id);
      if (!message) return null;
      messages.push({ role: message.role, content: message.content });
    }
    // Redaction is deterministic: redacting again gives exactly the text that was sent.
    return answer.redacted ? messages.map((message) => ({ ...message, content: redactPii(message.content) })) : messages;
  }

  /**
   * Replaces the last answer with a new one from the engine, never from the cache (also how a
   * failed answer is retried). If the guard refuses, the old answer stays.
   */
  async regenerate(): Promise<boolean> {
    const last = this.messages.at(-1);
    if (!last || last.role !== 'assistant' || this.generating || !this.#deps.engine()) return false;
    return this.#answer(this.messages.slice(0, -1), { useCache: false }, async () => {
      this.messages.pop();
      await this.#tryWrite(this.#deps.repo.deleteMessages([$state.snapshot(last)]));
    });
  }

  /** Stops the answer being generated; resolves once what arrived is saved. */
  async stop(): Promise<void> {
    this.#abort?.abort();
    await this.#running;
  }

  /** Renaming keeps the conversation's place in the list. An empty conversation is stored at its first message. */
  async rename(title: string): Promise<void> {
    this.#setHeader('title', title);
    if (this.#persisted) await this.#save([], false);
  }

  /** Turns JSON mode on (any JSON, or matching a schema) or off for this conversation's next answers. */
  async setResponseFormat(format: ResponseFormat | undefined): Promise<void> {
    this.#setHeader('responseFormat', format);
    if (this.#persisted) await this.#save([], false);
  }

  /** Re-reads messages written by another tab; a session that is generating keeps its own. */
  async reload(): Promise<void> {
    if (this.generating) {
      this.#reloadPending = true;
      return;
    }
    this.#reloadPending = false;
    const stored = await this.#deps.repo.getConversation(this.id);
    if (!stored) return;
    this.conversation = stored;
    this.messages = await this.#deps.repo.loadMessages(this.id);
    this.#persisted = true;
    await this.#markInterrupted();
  }

  /**
   * Asks the guard first; once it lets the answer through (or serves it from the cache),
   * `commit` puts the messages in place, then the answer is added.
   */
  async #answer(history: readonly ChatMessage[], options: { useCache: boolean }, commit: () => void | Promise<void>): Promise<boolean> {
    try {
      return await this.#generate(history, options, commit);
    } finally {
      if (this.#reloadPending && !this.generating) await this.reload();
    }
  }

  async #generate(history: readonly ChatMessage[], options: { useCache: boolean }, commit: () => void | Promise<void>): Promise<boolean> {
    const engine = this.#deps.engine();
    if (!engine) throw new EngineError('not-loaded', 'No model is loaded.');
    // Claimed before the first await, so a second send cannot start alongside.
    this.generating = true;
    const conversation = $state.snapshot(this.conversation);
    const prepared = this.#deps.prepare(conversation);
    const question = history.at(-1);
    const template = question?.template;
    // A refused request ends no trace, so nothing is stored for it.
    const trace = this.#deps.tracer?.startTrace('chat', {
      conversationId: this.id,
      ...(question ? { prompt: question.content } : {}),
      info: {
        model: engine.modelId,
        engine: engine.kind,
        persona: this.#deps.personaName?.(prepared.personaId) ?? prepared.personaId,
        ...(template ? { templateId: template.id, templateVersion: template.version } : {}),
        sampling: prepared.sampling,
      },
    });
    const retrieved =
      question?.role === 'user'
        ? await (trace ? trace.span('retrieval', () => this.#retrieve(conversation, question.content, prepared)) : this.#retrieve(conversation, question.content, prepared))
        : null;
    if (retrieved) {
      trace?.setContent({
        chunks: retrieved.retrieval.sources.map((source) => ({ id: source.chunkId, text: source.text, source: source.documentName })),
      });
    }
    const systemText = [prepared.systemPrompt.trim(), retrieved?.block ?? ''].filter(Boolean).join('\n\n');
    const system: EngineMessage | null = systemText ? { role: 'system', content: systemText } : null;
    const fitInput = { system, history: answeredHistory(history), contextWindow: prepared.contextWindow, reserveForAnswer: prepared.sampling.max_tokens };
    const fit = trace ? trace.span('context.fit', () => fitContext(fitInput)) : fitContext(fitInput);
    const responseFormat = $state.snapshot(this.conversation.responseFormat);
    const meta: AnswerMeta = {
      personaId: prepared.personaId,
      ...(template ? { template } : {}),
      ...(responseFormat ? { format: 'json' as const } : {}),
      ...(retrieved ? { retrieval: retrieved.retrieval } : {}),
    };
    if (!fit.ok) {
      // Nothing is sent: the question stays, answered with why it cannot be.
      await commit();
      this.messages.push({ ...this.#newMessage('assistant', '', 'error'), ...meta, engine: engine.kind, model: engine.modelId, error: fit.reason });
      trace?.setMessage((this.messages.at(-1) as ChatMessage).id, this.id);
      trace?.end({ error: new Error(fit.reason) });
      this.generating = false;
      await this.#save(this.messages.slice(-2));
      return true;
    }
    meta.request = {
      system: system?.content ?? null,
      messageIds: fit.kept.map((message) => message.id),
      droppedIds: fit.dropped.map((message) => message.id),
      sampling: prepared.sampling,
      promptTokens: fit.promptTokens,
      contextWindow: prepared.contextWindow,
    } satisfies RequestRecord;
    const render = (): ChatRequest => ({
      messages: [...(system ? [system] : []), ...fit.kept.map((message) => ({ role: message.role, content: message.content }))],
      sampling: prepared.sampling,
      ...(responseFormat ? { responseFormat } : {}),
    });
    const composed = trace ? trace.span('prompt.render', render) : render();
    const screening = this.#deps.screen?.(engine, composed);
    if (screening?.kind === 'block') {
      // Nothing is sent or added: the message stays in the composer, to be edited.
      this.generating = false;
      this.#deps.onBlocked?.(screening.message);
      return false;
    }
    const request = screening?.request ?? composed;
    if (screening?.redacted.length) meta.redacted = screening.redacted;
    const admission = await this.#admit(engine, request, options.useCache);
    if (admission?.kind === 'refused') {
      this.generating = false;
      return false;
    }
    await commit();
    if (admission?.kind === 'cached') {
      const answer = this.#newMessage('assistant', admission.content, 'complete');
      Object.assign(answer, meta, { engine: engine.kind, model: engine.modelId, finishReason: 'stop', cached: true } satisfies Partial<ChatMessage>);
      this.messages.push(answer);
      trace?.setMessage(answer.id, this.id);
      trace?.end({ completion: answer.content, result: { cacheHit: true, finishReason: 'stop' } });
      this.generating = false;
      await this.#save(this.messages.slice(-2));
      return true;
    }
    this.#running = this.#stream(engine, request, admission?.ticket ?? null, meta, trace ?? null).finally(() => (this.#running = null));
    await this.#running;
    return true;
  }

  /** Sources for the question, within a share of what the context window leaves; a failed search answers without them. */
  async #retrieve(conversation: Conversation, question: string, prepared: PreparedRequest): Promise<Retrieved | null> {
    if (!this.#deps.retrieve) return null;
    const budget = Math.floor((prepared.contextWindow - Math.min(prepared.sampling.max_tokens, prepared.contextWindow / 2)) * RETRIEVAL_SHARE);
    try {
      return await this.#deps.retrieve(conversation, question, budget);
    } catch (error) {
      this.#deps.onRetrievalError?.(error);
      return null;
    }
  }

  /** The guard's decision; if the guard itself fails (storage), the answer goes ahead unguarded. */
  async #admit(engine: ReadyEngine, request: ChatRequest, useCache: boolean): Promise<Admission | null> {
    const guard = this.#deps.guard;
    if (!guard) return null;
    try {
      return await guard.begin({ conversationId: this.id, engine: engine.kind, model: engine.modelId, request, useCache });
    } catch (error) {
      this.#deps.onStorageError(error);
      return null;
    }
  }

  async #stream(engine: ReadyEngine, request: ChatRequest, ticket: Ticket | null, meta: AnswerMeta, trace: Trace | null): Promise<void> {
    this.messages.push({ ...this.#newMessage('assistant', '', 'streaming'), ...meta });
    // The proxied element, so token appends below are reactive.
    const answer = this.messages.at(-1) as ChatMessage;
    answer.engine = engine.kind;
    answer.model = engine.modelId;
    trace?.setMessage(answer.id, this.id);
    // Until the first token the engine reads the prompt (prefill); after it, it writes (decode).
    const prefill = trace?.startSpan('prefill');
    let decode: ReturnType<Trace['startSpan']> | undefined;
    // The guard may shorten the answer to what today's budget still allows; the record says what was sent.
    const capped: ChatRequest = ticket ? { ...request, sampling: { ...request.sampling, max_tokens: ticket.maxTokens } } : request;
    if (answer.request) answer.request.sampling = capped.sampling;

    const abort = new AbortController();
    this.#abort = abort;
    let usage: TokenUsage | null = null;
    let streamed = 0;
    await this.#save(this.messages.slice(-2));
    try {
      await holdWhileStreaming(answer.id, async () => {
        let lastCheckpoint = this.#clock.now();
        let checkpoint: Promise<void> | null = null;
        try {
          for await (const event of engine.chat(capped, abort.signal)) {
            if (event.type === 'delta') {
              if (!decode) {
                prefill?.end();
                decode = trace?.startSpan('decode');
              }
              answer.content += event.text;
              streamed++;
              const now = this.#clock.now();
              if (!checkpoint && now - lastCheckpoint >= STREAM_CHECKPOINT_MS) {
                lastCheckpoint = now;
                checkpoint = this.#save([answer], false).finally(() => (checkpoint = null));
              }
            } else {
              answer.status = event.finishReason === 'aborted' ? 'stopped' : 'complete';
              answer.finishReason = event.finishReason;
              answer.usage = usage = event.usage;
              answer.timings = event.timings;
              if (event.finishReason === 'length' && ticket?.limitedBy) answer.stopReason = ticket.limitedBy;
            }
          }
          if (answer.status === 'streaming') answer.status = abort.signal.aborted ? 'stopped' : 'complete';
        } catch (error) {
          // An engine that died mid-answer interrupted it: what arrived is kept, and Retry asks again.
          const died = isEngineError(error, 'worker-crashed') || isEngineError(error, 'device-lost');
          answer.status = died && answer.content ? 'interrupted' : 'error';
          answer.error = error instanceof Error ? error.message : String(error);
          // The server said when to come back: the guard holds every request to it until then.
          if (isEngineError(error, 'rate-limited') && error.retryAt !== undefined) await this.#hold(engine, error.retryAt);
        }
        await checkpoint;
      });
    } finally {
      prefill?.end();
      decode?.end();
      trace?.end({
        completion: answer.content,
        result: {
          ...(answer.usage ? { usage: answer.usage } : {}),
          ...(answer.timings ? { timings: answer.timings } : {}),
          ...(answer.finishReason ? { finishReason: answer.finishReason } : {}),
          cacheHit: false,
        },
        ...(answer.error ? { error: new Error(answer.error) } : {}),
      });
      this.#abort = null;
      this.generating = false;
      const cacheable = answer.status === 'complete' && answer.finishReason === 'stop';
      await Promise.all([this.#save([answer]), ticket && this.#finish(ticket, { usage, streamed, answer: cacheable ? answer.content : null })]);
    }
  }

  async #hold(engine: ReadyEngine, until: number): Promise<void> {
    try {
      await this.#deps.guard?.holdUntil?.(engine.kind, until);
    } catch (error) {
      this.#deps.onStorageError(error);
    }
  }

  async #finish(ticket: Ticket, outcome: Outcome): Promise<void> {
    try {
      await this.#deps.guard?.finish(ticket, outcome);
    } catch (error) {
      this.#deps.onStorageError(error);
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

  #setHeader<K extends HeaderField>(field: K, value: Conversation[K] | undefined): void {
    if (value === undefined) delete this.conversation[field];
    else this.conversation[field] = value as Conversation[K];
    this.#changedFields.add(field);
  }

  #newMessage(role: ChatMessage['role'], content: string, status: ChatMessage['status']): ChatMessage {
    // Strictly increasing within this tab, so messages keep their order even if the clock steps back.
    this.#lastTimestamp = Math.max(this.#clock.now(), this.#lastTimestamp + 1);
    return { id: this.#newId(), conversationId: this.id, createdAt: this.#lastTimestamp, role, content, status };
  }

  /** Saves the given messages (and the conversation header) in one transaction. */
  async #save(messages: readonly ChatMessage[], touch = true): Promise<void> {
    // Never back in time, even if the clock steps back: the list is ordered by it.
    if (touch || !this.#persisted) this.conversation.updatedAt = Math.max(this.#clock.now(), this.conversation.updatedAt);
    const conversation = $state.snapshot(this.conversation);
    // A conversation not stored yet is written whole; afterwards only what changed here.
    const fields = this.#persisted ? new Set(this.#changedFields) : undefined;
    const named = new Set(messages.map((message) => message.id));
    const batch = [...this.messages.filter((message) => this.#unsaved.has(message.id) && !named.has(message.id)), ...messages];
    let stored: Conversation;
    try {
      stored = await this.#deps.repo.save(
        conversation,
        batch.map((message) => $state.snapshot(message)),
        fields,
      );
    } catch (error) {
      for (const message of batch) this.#unsaved.add(message.id);
      this.#lastSaveFailed = true;
      this.#deps.onStorageError(error);
      return;
    }
    for (const message of batch) this.#unsaved.delete(message.id);
    if (this.#lastSaveFailed) {
      this.#lastSaveFailed = false;
      this.#deps.onStorageRecovered?.();
    }
    for (const field of fields ?? this.#changedFields) this.#changedFields.delete(field);
    this.#persisted = true;
    // What another tab changed in the header meanwhile shows here too; changes made here since the save stay.
    const pending = Object.fromEntries([...this.#changedFields].map((field) => [field, this.conversation[field]]));
    this.conversation = { ...stored, ...pending };
    this.#deps.onSaved(stored);
  }

  async #tryWrite(write: Promise<void>): Promise<boolean> {
    try {
      await write;
      return true;
    } catch (error) {
      this.#deps.onStorageError(error);
      return false;
    }
  }
}
