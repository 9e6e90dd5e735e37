/**
 * What a restore writes, decided before anything is written: a pure function of what the
 * browser holds (only the records the backup touches) and the checked backups.
 *
 * The rule everywhere: keep both, never lose what is here, never overwrite newer data.
 *
 * - Conversations, by id. Not here: added. Here with the same messages (or more): left as it is.
 *   The backup has the messages here and more after them: the new messages are added (merged by
 *   message id). The two differ (a message changed, or each has messages the other lacks): the
 *   backup's becomes a copy with new ids, "Title (imported)", so both histories are kept.
 * - Templates, by id. A template's versions only grow, so the one whose versions extend the other's
 *   is the newer: the backup's is taken if it is newer, this browser's kept otherwise; versions
 *   that diverged make the backup's a copy.
 * - Personas, by id. Different and newer in the backup: a copy; older: this browser's is kept.
 * - Documents, by id within their conversation or collection; a copied conversation takes its
 *   documents along. Traces, by trace id (the trace store skips those already here).
 * - Settings and limits are single values: restored only into a browser without data of its
 *   own; otherwise this browser's are kept.
 */
import type { ChatMessage, Conversation } from '../chat/types';
import type { Limits } from '../guard/limits';
import { newTraceId } from '../observe/ids';
import type { TraceRecord } from '../observe/types';
import type { Persona } from '../prompts/personas';
import type { PromptTemplate } from '../prompts/versions';
import { targetKey, type TargetRef } from '../rag/types';
import type { Settings } from '../storage/settings';
import type { BackupData, ConversationBackup, TargetBackup } from './format';

/** What this browser holds of the records a backup names. */
export interface Existing {
  /** No conversation, template, persona, trace or document is stored. */
  empty: boolean;
  /** Conversations with the ids the backups use, with all their messages. */
  conversations: ReadonlyMap<string, ConversationBackup>;
  templates: ReadonlyMap<string, PromptTemplate>;
  personas: ReadonlyMap<string, Persona>;
  /** Document ids stored per target (targetKey), for the targets the backups use. */
  targets: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface PlanOptions {
  /** 'conversations': only conversations, their documents and traces (Import conversations). */
  only?: 'conversations' | undefined;
  newId?: () => string;
}

export interface ConversationWrite {
  conversation: Conversation;
  /** Messages to add. */
  messages: ChatMessage[];
  /** The conversation is here already: its header is kept (only `updatedAt` moves forward). */
  merge: boolean;
}

export interface TargetWrite {
  target: TargetRef;
  name: string | null;
  createdAt: number;
  updatedAt: number;
  documents: TargetBackup['documents'];
  /** The target is here already: its record is updated and its index rebuilt. */
  merge: boolean;
}

export interface RestoreCounts {
  conversations: { added: number; merged: number; copied: number; unchanged: number };
  /** Messages written (those of added, merged and copied conversations). */
  messages: number;
  templates: { added: number; updated: number; copied: number; unchanged: number };
  personas: { added: number; copied: number; unchanged: number };
  documents: { added: number; unchanged: number };
  traces: { added: number; duplicates: number; expired: number };
  /** 'restored': taken from the backup; 'kept': this browser's were kept; 'none': the backup has none. */
  settings: 'restored' | 'kept' | 'none';
  limits: 'restored' | 'kept' | 'none';
}

export interface RestorePlan {
  settings: Settings | null;
  limits: Limits | null;
  templates: PromptTemplate[];
  personas: Persona[];
  conversations: ConversationWrite[];
  targets: TargetWrite[];
  traces: TraceRecord[];
  counts: RestoreCounts;
}

export const emptyCounts = (): RestoreCounts => ({
  conversations: { added: 0, merged: 0, copied: 0, unchanged: 0 },
  messages: 0,
  templates: { added: 0, updated: 0, copied: 0, unchanged: 0 },
  personas: { added: 0, copied: 0, unchanged: 0 },
  documents: { added: 0, unchanged: 0 },
  traces: { added: 0, duplicates: 0, expired: 0 },
  settings: 'none',
  limits: 'none',
});

const COPY_SUFFIX = ' (imported)';

/** Plans the restore of one or more backups, in order: a later file merges into what the earlier ones bring. */
export function planRestore(existing: Existing, backups: readonly BackupData[], options: PlanOptions = {}): RestorePlan {
  const newId = options.newId ?? (() => crypto.randomUUID());
  const conversationsOnly = options.only === 'conversations';
  const counts = emptyCounts();
  // What is here, plus what earlier files of this restore bring.
  const conversations = new Map(existing.conversations);
  const templates = new Map(existing.templates);
  const personas = new Map(existing.personas);
  const targets = new Map<string, Set<string>>([...existing.targets].map(([key, ids]) => [key, new Set(ids)]));

  const writes = {
    conversations: new Map<string, ConversationWrite>(),
    templates: new Map<string, PromptTemplate>(),
    personas: new Map<string, Persona>(),
    targets: new Map<string, TargetWrite>(),
    traces: [] as TraceRecord[],
  };
  let settings: Settings | null = null;
  let limits: Limits | null = null;

  for (const data of backups) {
    const personaIds = new Map<string, string>();
    if (!conversationsOnly) {
      for (const template of data.templates) planTemplate(template);
      for (const persona of data.personas) planPersona(persona, personaIds);
      if (data.settings) {
        if (existing.empty) settings = remapSettings(data.settings, personaIds);
        counts.settings = existing.empty ? 'restored' : 'kept';
      }
      if (data.limits) {
        if (existing.empty) limits = data.limits;
        counts.limits = existing.empty ? 'restored' : 'kept';
      }
    }
    // Old conversation id → the id it is restored under (itself, unless it became a copy).
    const conversationIds = new Map<string, string>();
    const messageIds = new Map<string, string>();
    for (const entry of data.conversations) planConversation(remapPersonas(entry, personaIds), conversationIds, messageIds);
    for (const group of data.documents) {
      if (group.target.kind === 'collection' && conversationsOnly) continue;
      const id = group.target.kind === 'conversation' ? conversationIds.get(group.target.id) : group.target.id;
      if (id !== undefined) planTarget({ ...group, target: { kind: group.target.kind, id } });
    }
    for (const trace of data.traces) {
      const conversationId = trace.conversationId;
      if (conversationsOnly && (conversationId === undefined || !conversationIds.has(conversationId))) continue;
      // A trace may outlive its conversation; only traces of a conversation that became a copy move to the copy.
      const restoredAs = conversationId === undefined ? undefined : conversationIds.get(conversationId);
      const copied = restoredAs !== undefined && restoredAs !== conversationId;
      writes.traces.push(copied ? copyTrace(trace, conversationIds, messageIds) : trace);
    }
  }

  return {
    settings,
    limits,
    templates: [...writes.templates.values()],
    personas: [...writes.personas.values()],
    conversations: [...writes.conversations.values()],
    targets: [...writes.targets.values()],
    traces: writes.traces,
    counts,
  };

  function planTemplate(template: PromptTemplate): void {
    const here = templates.get(template.id);
    let chosen: PromptTemplate | null = template;
    if (!here) counts.templates.added++;
    else if (sameJson(here, template)) chosen = null;
    else if (isPrefix(here.versions, template.versions) && (here.versions.length < template.versions.length || template.updatedAt > here.updatedAt)) counts.templates.updated++;
    else if (isPrefix(template.versions, here.versions)) chosen = null;
    else {
      chosen = { ...template, id: newId(), name: withSuffix(template.name) };
      counts.templates.copied++;
    }
    if (!chosen) {
      counts.templates.unchanged++;
      return;
    }
    templates.set(chosen.id, chosen);
    writes.templates.set(chosen.id, chosen);
  }

  function planPersona(persona: Persona, personaIds: Map<string, string>): void {
    const here = personas.get(persona.id);
    if (here && (sameJson(here, persona) || here.updatedAt >= persona.updatedAt)) {
      counts.personas.unchanged++;
      return;
    }
    const chosen = here ? { ...persona, id: newId(), name: withSuffix(persona.name, 60) } : persona;
    if (here) {
      personaIds.set(persona.id, chosen.id);
      counts.personas.copied++;
    } else counts.personas.added++;
    personas.set(chosen.id, chosen);
    writes.personas.set(chosen.id, chosen);
  }

  function planConversation(entry: ConversationBackup, conversationIds: Map<string, string>, messageIds: Map<string, string>): void {
    const { conversation } = entry;
    const here = conversations.get(conversation.id);
    if (!here) {
      conversationIds.set(conversation.id, conversation.id);
      record(entry.conversation, entry.messages, false);
      counts.conversations.added++;
      return;
    }
    const hereById = new Map(here.messages.map((message) => [message.id, message]));
    const inBackup = new Set(entry.messages.map((message) => message.id));
    const changed = entry.messages.some((message) => hereById.has(message.id) && !sameJson(hereById.get(message.id), message));
    const missingHere = entry.messages.filter((message) => !hereById.has(message.id));
    const onlyHere = here.messages.some((message) => !inBackup.has(message.id));
    if (!changed && missingHere.length === 0) {
      conversationIds.set(conversation.id, conversation.id);
      counts.conversations.unchanged++;
    } else if (!changed && !onlyHere) {
      conversationIds.set(conversation.id, conversation.id);
      const header = { ...here.conversation, updatedAt: Math.max(here.conversation.updatedAt, conversation.updatedAt) };
      record(header, missingHere, true);
      counts.conversations.merged++;
    } else {
      const copy = copyConversation(entry, newId, messageIds);
      conversationIds.set(conversation.id, copy.conversation.id);
      record(copy.conversation, copy.messages, false);
      counts.conversations.copied++;
    }
  }

  function record(conversation: Conversation, messages: ChatMessage[], merge: boolean): void {
    const previous = writes.conversations.get(conversation.id);
    const all = [...(previous?.messages ?? []), ...messages];
    writes.conversations.set(conversation.id, { conversation, messages: all, merge: previous?.merge ?? merge });
    const here = conversations.get(conversation.id);
    conversations.set(conversation.id, { conversation, messages: [...(here?.messages ?? []), ...messages].sort(byTime) });
    counts.messages += messages.length;
  }

  function planTarget(group: TargetBackup): void {
    const key = targetKey(group.target);
    const here = targets.get(key);
    const fresh = group.documents.filter((item) => !here?.has(item.document.id));
    counts.documents.added += fresh.length;
    counts.documents.unchanged += group.documents.length - fresh.length;
    if (fresh.length === 0 && here) return;
    const documents = fresh.map((item) => (item.document.target.id === group.target.id ? item : { ...item, document: { ...item.document, target: group.target } }));
    const previous = writes.targets.get(key);
    writes.targets.set(key, {
      target: group.target,
      name: group.name,
      createdAt: group.createdAt,
      updatedAt: group.updatedAt,
      documents: [...(previous?.documents ?? []), ...documents],
      merge: previous?.merge ?? here !== undefined,
    });
    targets.set(key, new Set([...(here ?? []), ...documents.map((item) => item.document.id)]));
  }
}

/** The backup's conversation with new ids for it and its messages, and references between them kept. */
function copyConversation(entry: ConversationBackup, newId: () => string, messageIds: Map<string, string>): ConversationBackup {
  const conversationId = newId();
  for (const message of entry.messages) messageIds.set(message.id, newId());
  const mapId = (id: string): string => messageIds.get(id) ?? id;
  const ownTarget = (target: TargetRef): TargetRef => (target.kind === 'conversation' && target.id === entry.conversation.id ? { kind: 'conversation', id: conversationId } : target);
  return {
    conversation: { ...entry.conversation, id: conversationId, title: withSuffix(entry.conversation.title) },
    messages: entry.messages.map((message) => ({
      ...message,
      id: mapId(message.id),
      conversationId,
      ...(message.request ? { request: { ...message.request, messageIds: message.request.messageIds.map(mapId), droppedIds: message.request.droppedIds.map(mapId) } } : {}),
      ...(message.retrieval
        ? { retrieval: { ...message.retrieval, sources: message.retrieval.sources.map((source) => ({ ...source, target: ownTarget(source.target) })) } }
        : {}),
    })),
  };
}

/** A trace of a copied conversation belongs to the copy: its own trace id, the copy's conversation and message. */
function copyTrace(trace: TraceRecord, conversationIds: ReadonlyMap<string, string>, messageIds: ReadonlyMap<string, string>): TraceRecord {
  const { conversationId, messageId } = trace;
  return {
    ...trace,
    traceId: newTraceId(),
    ...(conversationId !== undefined ? { conversationId: conversationIds.get(conversationId) ?? conversationId } : {}),
    ...(messageId !== undefined ? { messageId: messageIds.get(messageId) ?? messageId } : {}),
  };
}

/** Conversations of a backup whose persona became a copy use the copy. */
function remapPersonas(entry: ConversationBackup, personaIds: ReadonlyMap<string, string>): ConversationBackup {
  if (personaIds.size === 0) return entry;
  const map = (id: string | undefined): string | undefined => (id === undefined ? undefined : (personaIds.get(id) ?? id));
  const { settings } = entry.conversation;
  return {
    conversation: settings?.personaId ? { ...entry.conversation, settings: { ...settings, personaId: map(settings.personaId) as string } } : entry.conversation,
    messages: entry.messages.map((message) => (message.personaId && personaIds.has(message.personaId) ? { ...message, personaId: map(message.personaId) as string } : message)),
  };
}

function remapSettings(settings: Settings, personaIds: ReadonlyMap<string, string>): Settings {
  return { ...settings, personaId: personaIds.get(settings.personaId) ?? settings.personaId };
}

function withSuffix(name: string, max = 1000): string {
  return `${name.slice(0, max - COPY_SUFFIX.length)}${COPY_SUFFIX}`;
}

const byTime = (a: ChatMessage, b: ChatMessage): number => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1);

function isPrefix<T>(shorter: readonly T[], longer: readonly T[]): boolean {
  return shorter.length <= longer.length && shorter.every((item, index) => sameJson(item, longer[index]));
}

/** Equal as JSON: key order and absent-versus-undefined fields do not count. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  const left = Object.entries(a).filter(([, value]) => value !== undefined);
  const right = new Map(Object.entries(b).filter(([, value]) => value !== undefined));
  return left.length === right.size && left.every(([key, value]) => right.has(key) && sameJson(value, right.get(key)));
}
