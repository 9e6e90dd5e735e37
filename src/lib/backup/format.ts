/**
 * Hearth's backup file: every piece of user data in one versioned JSON envelope.
 *
 *   { "format": "hearth-backup", "version": 1, "exportedAt": "2026-…Z", "appVersion": "0.1.0",
 *     "contents": "everything" | "conversations",
 *     "data": { conversations, templates, personas, settings, limits, traces, documents } }
 *
 * `contents: "conversations"` is the export of some conversations (with their documents and
 * traces): no settings, limits, templates or personas. `traces` is Insights' own trace export
 * (observe/exchange.ts), nested as it is, so both are read by the same validator.
 *
 * What is not in a backup, and why:
 *   - downloaded models (gigabytes, and downloaded again from their source);
 *   - the guard's day ledger, rate bucket and response cache (usage counters and reusable copies
 *     of answers the conversations already hold: restoring them would charge today's budget with
 *     another day's spending);
 *   - search indexes of documents (rebuilt from the stored chunks on first use);
 *   - the original files of attached documents (Hearth never stores them: only their extracted
 *     text, which is what answers cite).
 */
import type { ChatMessage, Conversation } from '../chat/types';
import type { Limits } from '../guard/limits';
import type { TraceExport } from '../observe/exchange';
import type { TraceRecord } from '../observe/types';
import type { Persona } from '../prompts/personas';
import type { PromptTemplate } from '../prompts/versions';
import type { ChunkSpan } from '../rag/chunk';
import { RAG_LIMITS } from '../rag/limits';
import type { RagDocument, TargetRef } from '../rag/types';
import type { Settings } from '../storage/settings';

export const BACKUP_FORMAT = 'hearth-backup';
export const BACKUP_VERSION = 1;

export type BackupContents = 'everything' | 'conversations';

export interface ConversationBackup {
  conversation: Conversation;
  /** Oldest first. */
  messages: ChatMessage[];
}

export interface DocumentBackup {
  document: RagDocument;
  /** The extracted text every chunk and citation offset refers to. */
  text: string;
  /** Chunk ranges in `text`: chunk ids (`docId#index`) and citations stay valid after a restore. */
  spans: ChunkSpan[];
}

/** A conversation's attached documents, or a collection. */
export interface TargetBackup {
  target: TargetRef;
  /** A collection's name; null for a conversation's documents. */
  name: string | null;
  createdAt: number;
  updatedAt: number;
  documents: DocumentBackup[];
}

/** Everything a backup holds, as the app's own types. */
export interface BackupData {
  conversations: ConversationBackup[];
  templates: PromptTemplate[];
  /** The user's own personas; built-in ones ship with the app. */
  personas: Persona[];
  settings: Settings | null;
  limits: Limits | null;
  traces: TraceRecord[];
  documents: TargetBackup[];
}

/** The file as written. */
export interface BackupFile {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_VERSION;
  exportedAt: string;
  appVersion: string;
  contents: BackupContents;
  data: Omit<BackupData, 'traces'> & { traces: TraceExport };
}

/** A validated backup, ready to restore. */
export interface ParsedBackup {
  exportedAt: string;
  appVersion: string;
  contents: BackupContents;
  data: BackupData;
}

/**
 * What a file may hold. A file beyond any of these is refused before anything is written, so a
 * hostile or broken file cannot make the tab run out of memory or fill the disk record by record.
 */
export const BACKUP_LIMITS = {
  /** The whole file. Browsers cope with one string of this size; far above it they may not. */
  maxFileBytes: 200 * 1024 * 1024,
  /** Nesting depth of the JSON: the app's own records are never deeper than 12. */
  maxDepth: 40,
  /** Any one string: a message or a document's text (RAG's own cap on extracted text). */
  maxTextChars: RAG_LIMITS.maxTextChars,
  /** Ids, names, titles, model names. */
  maxShortChars: 1000,
  /** Ids: Hearth's are UUIDs or short names. */
  maxIdChars: 200,
  /** System prompts and template bodies. */
  maxPromptChars: 200_000,
  maxConversations: 100_000,
  maxMessagesPerConversation: 200_000,
  maxMessages: 2_000_000,
  maxTemplates: 10_000,
  maxVersionsPerTemplate: 10_000,
  maxPersonas: 1_000,
  maxTraces: 20_000,
  maxTargets: 100_000,
  maxDocumentsPerTarget: RAG_LIMITS.maxDocumentsPerTarget,
  maxSpansPerDocument: 1_000_000,
  /** Retrieved sources and candidates stored with one answer; collections and excluded chunks of a conversation. */
  maxListItems: 10_000,
} as const;

/** What is wrong with a file, in words that say which record and which field. Nothing was written. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
}
