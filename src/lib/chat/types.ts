import type { EngineKind, FinishReason, GenerationTimings, Role, TokenUsage } from '../engine/protocol';
import type { StopReason } from '../guard/budget';

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
  /** Served from the response cache instead of the engine. */
  cached?: true;
  /** The answer reached a length limit the guard set, and which one. */
  stopReason?: StopReason;
}
