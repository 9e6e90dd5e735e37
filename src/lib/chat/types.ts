import type { EngineKind, FinishReason, GenerationTimings, ResponseFormat, Role, TokenUsage } from '../engine/protocol';

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
  /** JSON mode: answers in this conversation are constrained to JSON. Absent: free text. */
  responseFormat?: ResponseFormat | undefined;
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
  usage?: TokenUsage;
  timings?: GenerationTimings;
  /** 'json': the answer was written in JSON mode, so it is shown as JSON rather than Markdown. */
  format?: 'json';
}
