/**
 * Reading a backup file: the whole file is parsed and checked before anything may be written.
 * Any problem throws a BackupError saying what is wrong, in which record and which field.
 *
 * The order of the checks matters for the messages: first "is this JSON at all", then "is this
 * a Hearth backup, and one this version can read", then names that are attacks rather than data
 * (anywhere in the tree), then every record against its type, then ids that must be unique and
 * references between records.
 */
import { EXPORT_FORMAT as TRACE_FORMAT, TraceImportError, parseTraceExport } from '../observe/exchange';
import type { TraceRecord } from '../observe/types';
import { PROMPTS_FORMAT } from '../prompts/transfer';
import { targetKey } from '../rag/types';
import { BACKUP_FORMAT, BACKUP_LIMITS as LIMITS, BACKUP_VERSION, BackupError, type BackupContents, type BackupData, type ConversationBackup, type ParsedBackup, type TargetBackup } from './format';
import { conversation, limits, message, persona, settings, storedDocument, targetHeader, template } from './records';
import { fail, fieldOf, found, isObject, label, list, nullable, object, oneOf, shape, text, type At, type Json } from './shape';

/** Refused before reading: a file this big would not fit in one string in every browser. */
export function checkFileSize(bytes: number): void {
  if (bytes > LIMITS.maxFileBytes) {
    throw new BackupError(`This file is ${megabytes(bytes)}; Hearth restores backups of up to ${megabytes(LIMITS.maxFileBytes)}.`);
  }
  if (bytes === 0) throw new BackupError('This file is empty.');
}

const megabytes = (bytes: number): string => `${(bytes / (1024 * 1024)).toLocaleString('en', { maximumFractionDigits: 1 })} MB`;

/** Text of a file to a checked backup. */
export function parseBackupText(input: string): ParsedBackup {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const start = text.trimStart();
  if (start === '') throw new BackupError('This file is empty.');
  if (!start.startsWith('{')) throw new BackupError('This is not a Hearth backup: the file is not JSON.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? ` (${error.message})` : '';
    throw new BackupError(`This file is not complete JSON: it may have been cut off while saving or copying, or changed by hand${detail}.`);
  }
  return parseBackupValue(value);
}

/** Already-parsed JSON to a checked backup. */
export function parseBackupValue(value: unknown): ParsedBackup {
  if (!isObject(value)) throw new BackupError('This is not a Hearth backup: the file holds no JSON object.');
  checkEnvelope(value);
  checkTree(value);
  const at: At = { where: 'The backup', field: '' };
  const exportedAt = text({ min: 1, max: 40 })(value.exportedAt, fieldOf(at, 'exportedAt'));
  if (Number.isNaN(Date.parse(exportedAt))) fail(fieldOf(at, 'exportedAt'), `is not a date (it is ${found(exportedAt)})`);
  const appVersion = text({ min: 1, max: 40 })(value.appVersion, fieldOf(at, 'appVersion'));
  const contents = oneOf<BackupContents>(['everything', 'conversations'])(value.contents, fieldOf(at, 'contents'));
  for (const key of Object.keys(value)) {
    if (!['format', 'version', 'exportedAt', 'appVersion', 'contents', 'data'].includes(key)) fail(fieldOf(at, key), 'is not part of this format');
  }
  return { exportedAt, appVersion, contents, data: checkData(object(value.data, fieldOf(at, 'data'))) };
}

function checkEnvelope(value: Json): void {
  const { format, version } = value;
  if (format !== BACKUP_FORMAT) {
    if (format === TRACE_FORMAT) throw new BackupError('This is a trace export from Insights, not a backup: import it in Insights.');
    if (format === PROMPTS_FORMAT) throw new BackupError('This is an export of templates and personas, not a backup: import it in the studio panel (Templates or Personas).');
    throw new BackupError(`This is not a Hearth backup: its “format” is ${found(format)}, not "${BACKUP_FORMAT}".`);
  }
  if (typeof version !== 'number' || !Number.isInteger(version)) throw new BackupError(`This backup has no format version (its “version” is ${found(version)}).`);
  if (version > BACKUP_VERSION) {
    throw new BackupError(`This backup was made by a newer Hearth (backup format ${version}; this Hearth reads format ${BACKUP_VERSION}). Update Hearth, then restore it.`);
  }
  if (version < 1) throw new BackupError(`This backup has an unknown format version (${version}).`);
}

/** Field names no Hearth record has, which change how objects behave when a program copies them. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | null;
  key: string | number;
}

const pathOf = (frame: Frame): string => {
  const parts: string[] = [];
  for (let current: Frame | null = frame; current?.parent; current = current.parent) {
    parts.unshift(typeof current.key === 'number' ? `[${current.key}]` : `.${current.key}`);
  }
  return parts.join('').replace(/^\./, '') || 'the top level';
};

/**
 * Walks the whole tree once, without recursion (a deeply nested file must not overflow the
 * stack): refuses forbidden names, nesting deeper than any Hearth record, and giant strings.
 */
function checkTree(root: Json): void {
  const stack: Frame[] = [{ value: root, depth: 0, parent: null, key: '' }];
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const { value, depth } = frame;
    if (typeof value === 'string') {
      if (value.length > LIMITS.maxTextChars) {
        throw new BackupError(`Refused: the text at ${pathOf(frame)} has ${value.length.toLocaleString('en')} characters; at most ${LIMITS.maxTextChars.toLocaleString('en')} are allowed.`);
      }
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= LIMITS.maxDepth) throw new BackupError(`Refused: the data at ${pathOf(frame)} is nested deeper than any Hearth record (${LIMITS.maxDepth} levels).`);
    if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) stack.push({ value: value[index], depth: depth + 1, parent: frame, key: index });
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        throw new BackupError(`Refused: the file has a field named “${key}” at ${pathOf(frame)}. Hearth never writes that name; it is a known way to attack programs that read JSON.`);
      }
      stack.push({ value: (value as Json)[key], depth: depth + 1, parent: frame, key });
    }
  }
}

const DATA_FIELDS = ['conversations', 'templates', 'personas', 'settings', 'limits', 'traces', 'documents'] as const;

function checkData(data: Json): BackupData {
  const at: At = { where: 'The backup', field: 'data' };
  for (const key of Object.keys(data)) if (!(DATA_FIELDS as readonly string[]).includes(key)) fail(fieldOf(at, key), 'is not part of this format');
  for (const key of DATA_FIELDS) if (!(key in data)) fail(fieldOf(at, key), 'is missing');

  const conversations = checkConversations(data.conversations);
  const conversationIds = new Set(conversations.map((item) => item.conversation.id));
  const templates = list((value) => value, LIMITS.maxTemplates)(data.templates, fieldOf(at, 'templates')).map((value, index) =>
    template(value, { where: label('Template', index, (value as Json | null)?.name), field: '' }),
  );
  unique(templates.map((item) => item.id), (index) => label('Template', index, templates[index]?.name), 'id');
  const personas = list((value) => value, LIMITS.maxPersonas)(data.personas, fieldOf(at, 'personas')).map((value, index) =>
    persona(value, { where: label('Persona', index, (value as Json | null)?.name), field: '' }),
  );
  unique(personas.map((item) => item.id), (index) => label('Persona', index, personas[index]?.name), 'id');

  return {
    conversations,
    templates,
    personas,
    settings: nullable(settings)(data.settings, { where: 'Settings', field: '' }),
    limits: nullable(limits)(data.limits, { where: 'Limits', field: '' }),
    traces: checkTraces(data.traces),
    documents: checkDocuments(data.documents, conversationIds),
  };
}

function checkConversations(value: unknown): ConversationBackup[] {
  const items = list((item) => item, LIMITS.maxConversations)(value, { where: 'The backup', field: 'data.conversations' });
  const messageIds = new Set<string>();
  let messageCount = 0;
  const checked = items.map((item, index) => {
    const record = object(item, { where: label('Conversation', index, null), field: '' });
    const header = object(record.conversation, { where: label('Conversation', index, null), field: 'conversation' });
    const where = label('Conversation', index, header.title);
    const entry = shape<{ conversation: unknown; messages: unknown[] }>({
      conversation: (raw) => raw,
      messages: list((raw) => raw, LIMITS.maxMessagesPerConversation),
    })(record, { where, field: '' });
    const own = conversation(entry.conversation, { where, field: 'conversation' });
    messageCount += entry.messages.length;
    if (messageCount > LIMITS.maxMessages) fail({ where, field: 'messages' }, `brings the backup over ${LIMITS.maxMessages.toLocaleString('en')} messages`);
    const messages = entry.messages.map((raw, position) => {
      const checkedMessage = message(raw, { where: `${where}, message ${position + 1}`, field: '' });
      if (checkedMessage.conversationId !== own.id) fail({ where: `${where}, message ${position + 1}`, field: 'conversationId' }, 'names another conversation');
      if (messageIds.has(checkedMessage.id)) fail({ where: `${where}, message ${position + 1}`, field: 'id' }, `repeats the id of another message (${found(checkedMessage.id)})`);
      messageIds.add(checkedMessage.id);
      return checkedMessage;
    });
    return { conversation: own, messages };
  });
  unique(checked.map((item) => item.conversation.id), (index) => label('Conversation', index, checked[index]?.conversation.title), 'conversation.id');
  return checked;
}

function checkTraces(value: unknown): TraceRecord[] {
  const envelope = object(value, { where: 'Traces', field: '' });
  if (Array.isArray(envelope.traces) && envelope.traces.length > LIMITS.maxTraces) {
    fail({ where: 'Traces', field: 'traces' }, `has ${envelope.traces.length.toLocaleString('en')} traces; at most ${LIMITS.maxTraces.toLocaleString('en')} are allowed`);
  }
  let traces: TraceRecord[];
  try {
    traces = parseTraceExport(envelope);
  } catch (error) {
    if (error instanceof TraceImportError) throw new BackupError(`Traces: ${error.message.replace(/^Nothing was imported: /, '')}`);
    throw error;
  }
  unique(traces.map((trace) => trace.traceId), (index) => `Trace ${index + 1}`, 'traceId');
  return traces;
}

function checkDocuments(value: unknown, conversationIds: ReadonlySet<string>): TargetBackup[] {
  const items = list((item) => item, LIMITS.maxTargets)(value, { where: 'The backup', field: 'data.documents' });
  const checked = items.map((item, index): TargetBackup => {
    const record = object(item, { where: `Document group ${index + 1}`, field: '' });
    const target = targetHeader.targetRef(record.target, { where: `Document group ${index + 1}`, field: 'target' });
    const where = target.kind === 'collection' ? label('Collection', index, record.name) : `The documents of conversation ${found(target.id)}`;
    if (target.kind === 'conversation' && !conversationIds.has(target.id)) fail({ where, field: 'target.id' }, 'names no conversation in this backup');
    const header = shape<Omit<TargetBackup, 'documents'> & { documents: unknown[] }>({
      target: () => target,
      name: targetHeader.name,
      createdAt: targetHeader.createdAt,
      updatedAt: targetHeader.updatedAt,
      documents: list((raw) => raw, LIMITS.maxDocumentsPerTarget),
    })(record, { where, field: '' });
    if (target.kind === 'collection' && !header.name) fail({ where, field: 'name' }, 'is missing: a collection needs a name');
    const documents = header.documents.map((raw, position) =>
      storedDocument(target, raw, { where: `${where}, ${label('document', position, (raw as { document?: Json } | null)?.document?.name)}`, field: '' }),
    );
    unique(documents.map((item) => item.document.id), (position) => `${where}, document ${position + 1}`, 'document.id');
    return { ...header, documents };
  });
  unique(checked.map((item) => targetKey(item.target)), (index) => `Document group ${index + 1}`, 'target');
  return checked;
}

/** Refuses a repeated id, naming the second record that uses it. */
function unique(values: readonly string[], where: (index: number) => string, field: string): void {
  const seen = new Set<string>();
  values.forEach((value, index) => {
    if (seen.has(value)) fail({ where: where(index), field }, `repeats ${found(value)}, already used by an earlier record`);
    seen.add(value);
  });
}
