import type { EngineKind, FinishReason, GenerationTimings, ResponseFormat, Role, SamplingSettings, TokenUsage } from '../engine/protocol';
import type { StopReason } from '../guard/budget';
import type { PiiType } from '../observe/eval/pii';

/**
 * - streaming: tokens are still arriving (or the tab died while they were, see `interrupted`)
 * - complete: the model finished its answer
 * - stopped: the user pressed Stop; the text is what arrived
 * - interrupted: the page closed or the engine died mid-answer; the text is the last checkpoint
 * - error: generation failed; `error` says why, the text is what arrived
 */
export type MessageStatus = 'streaming' | 'complete' | 'stopped' | 'interrupted' | 'error';

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  /** This conversation's own choices, over the user's defaults. */
  settings?: ConversationSettings;
  /** JSON mode: answers in this conversation are constrained to JSON. Absent: free text. */
  responseFormat?: ResponseFormat | undefined;
}

/** What the conversation list shows of a conversation. */
export type ConversationSummary = Pick<Conversation, 'id' | 'title' | 'createdAt' | 'updatedAt'>;

export interface ConversationSettings {
  personaId?: string;
  /** Replaces the persona's system prompt when set. */
  systemPrompt?: string;
  sampling?: Partial<SamplingSettings>;
  /** Reusable document collections searched along with the conversation's own files. */
  collections?: string[];
  /** Retrieved chunks the user switched off in the prompt inspector. */
  excludedChunks?: string[];
}

/** A retrieved chunk an answer was given, kept with the answer so its citations work after a reload. */
export interface AnswerSource {
  /** Cited as [label]. */
  label: number;
  chunkId: string;
  documentId: string;
  documentName: string;
  target: { kind: 'conversation' | 'collection'; id: string };
  /** Where the chunk is in its document's text. */
  start: number;
  end: number;
  page: number | null;
  /** What was put into the prompt. */
  text: string;
}

/** One chunk the search found, whether or not it went into the prompt (for the inspector). */
export interface AnswerCandidate {
  chunkId: string;
  label: number | null;
  documentName: string;
  status: 'included' | 'excluded' | 'over-budget' | 'duplicate';
  tokens: number;
  score: number;
  preview: string;
}

export interface AnswerRetrieval {
  sources: AnswerSource[];
  candidates: AnswerCandidate[];
  tokens: number;
}

/** Which template version a message came from. */
export interface TemplateRef {
  id: string;
  version: number;
  name: string;
}

/**
 * Exactly what an answer was asked with. Messages are referenced by id rather than copied:
 * a conversation's earlier messages never change once answered, so the ids rebuild the very
 * array that was sent, without storing the history again with every answer.
 */
export interface RequestRecord {
  system: string | null;
  messageIds: string[];
  /** Older messages left out to fit the context window. */
  droppedIds: string[];
  sampling: SamplingSettings;
  /** Estimated, see chat/context.ts. */
  promptTokens: number;
  contextWindow: number;
}

export interface ChatMessage {
  id: string;
  conversationId: string;
  /** Orders messages within a conversation; unique per tab, ties broken by id. */
  createdAt: number;
  role: Role;
  content: string;
  status: MessageStatus;
  error?: string;
  /** Which engine and model wrote an assistant message. */
  engine?: EngineKind;
  model?: string;
  finishReason?: FinishReason;
  /** The persona that answered (assistant messages). */
  personaId?: string;
  /** The template version a user message was written from, and its answer too. */
  template?: TemplateRef;
  /** What the engine was sent for this answer. */
  request?: RequestRecord;
  /** The document chunks retrieved for this answer, and which went into the prompt. */
  retrieval?: AnswerRetrieval;
  usage?: TokenUsage;
  timings?: GenerationTimings;
  /** Served from the response cache instead of the engine. */
  cached?: true;
  /** The answer reached a length limit the guard set, and which one. */
  stopReason?: StopReason;
  /** 'json': the answer was written in JSON mode, so it is shown as JSON rather than Markdown. */
  format?: 'json';
  /** Personal data replaced by placeholders before the request left the device (remote endpoint only). */
  redacted?: PiiType[];
}
