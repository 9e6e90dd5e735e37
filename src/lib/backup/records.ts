/**
 * The checks for every record type a backup holds, one field at a time (see shape.ts). Each
 * returns a fresh record built from known fields only; anything else is refused with a message
 * naming the record and the field.
 */
import { PII_PLACEHOLDERS, type PiiType } from '../observe/eval/pii';
import type {
  AnswerCandidate,
  AnswerRetrieval,
  AnswerSource,
  ChatMessage,
  Conversation,
  ConversationSettings,
  MessageStatus,
  RequestRecord,
  TemplateRef,
} from '../chat/types';
import { DEFAULT_LIMITS } from '../config';
import type { EngineKind, FinishReason, GenerationTimings, ResponseFormat, Role, SamplingSettings, TokenUsage } from '../engine/protocol';
import type { StopReason } from '../guard/budget';
import { normalizeLimits, type Limits } from '../guard/limits';
import { AVATAR_ICONS, personaProblems, type Avatar, type Persona } from '../prompts/personas';
import { TemplateSyntaxError, parseTemplate } from '../prompts/template';
import type { PromptTemplate, TemplateVersion } from '../prompts/versions';
import type { ChunkSpan } from '../rag/chunk';
import type { DocumentKind } from '../rag/file-types';
import type { RagDocument, TargetRef } from '../rag/types';
import { isSettingName, isValidSetting, type Settings } from '../storage/settings';
import { BACKUP_LIMITS as LIMITS, type DocumentBackup } from './format';
import {
  allOf,
  boolean,
  count,
  fail,
  fieldOf,
  found,
  list,
  nullable,
  number,
  object,
  oneOf,
  optional,
  shape,
  text,
  time,
  type At,
  type Check,
  type Fields,
} from './shape';

export const ROLES = allOf<Role>()(['system', 'user', 'assistant']);
const STATUSES = allOf<MessageStatus>()(['streaming', 'complete', 'stopped', 'interrupted', 'error']);
// Every kind of personal data an answer's prompt may have had redacted before leaving the device.
const PII_TYPES = Object.keys(PII_PLACEHOLDERS) as PiiType[];
const ENGINES = allOf<EngineKind>()(['webllm', 'gguf', 'scripted', 'remote']);
const FINISH_REASONS = allOf<FinishReason>()(['stop', 'length', 'aborted']);
const STOP_REASONS = allOf<StopReason>()(['day-budget', 'conversation-budget', 'answer-limit']);
const CANDIDATE_STATUSES = allOf<AnswerCandidate['status']>()(['included', 'excluded', 'over-budget', 'duplicate']);
const DOCUMENT_KINDS = allOf<DocumentKind>()(['text', 'markdown', 'csv', 'json', 'html', 'code', 'pdf']);

export const id = text({ min: 1, max: LIMITS.maxIdChars });
const shortText = text({ max: LIMITS.maxShortChars });
const longText = text({ max: LIMITS.maxTextChars });
const promptText = text({ max: LIMITS.maxPromptChars });
const ids = list(id, LIMITS.maxListItems);
const finite = number();
const positiveCount = number({ min: 1, max: Number.MAX_SAFE_INTEGER, integer: true });

const targetRef: Check<TargetRef> = (value, at) => {
  const record = object(value, at);
  const kind = oneOf(['conversation', 'collection'] as const)(record.kind, fieldOf(at, 'kind'));
  // Both kinds have the same fields; a union would make `shape` want a table per kind.
  return shape<{ kind: TargetRef['kind']; id: string }>({ kind: () => kind, id })(record, at) as TargetRef;
};

// ── Conversations and messages ──────────────────────────────────────────────

const samplingFields: Fields<SamplingSettings> = {
  temperature: finite,
  top_p: finite,
  max_tokens: positiveCount,
  seed: optional(finite),
  presence_penalty: finite,
  frequency_penalty: finite,
};

const partialSampling = shape<Partial<SamplingSettings>>(
  Object.fromEntries(Object.entries(samplingFields).map(([key, check]) => [key, optional(check)])) as Fields<Partial<SamplingSettings>>,
);

const conversationSettings = shape<ConversationSettings>({
  personaId: optional(id),
  systemPrompt: optional(promptText),
  sampling: optional(partialSampling),
  collections: optional(ids),
  excludedChunks: optional(ids),
});

const responseFormat = shape<ResponseFormat>({
  type: oneOf(['json_object'] as const),
  schema: optional(promptText),
});

export const conversation = shape<Conversation>({
  id,
  title: shortText,
  createdAt: time,
  updatedAt: time,
  settings: optional(conversationSettings),
  responseFormat: optional(responseFormat),
});

const templateRef = shape<TemplateRef>({ id, version: positiveCount, name: shortText });

const requestRecord = shape<RequestRecord>({
  system: nullable(promptText),
  messageIds: list(id, LIMITS.maxMessagesPerConversation),
  droppedIds: list(id, LIMITS.maxMessagesPerConversation),
  sampling: shape<SamplingSettings>(samplingFields),
  promptTokens: count,
  contextWindow: count,
});

const answerSource = shape<AnswerSource>({
  label: count,
  chunkId: id,
  documentId: id,
  documentName: shortText,
  target: targetRef,
  start: count,
  end: count,
  page: nullable(count),
  text: longText,
});

const answerCandidate = shape<AnswerCandidate>({
  chunkId: id,
  label: nullable(count),
  documentName: shortText,
  status: oneOf(CANDIDATE_STATUSES),
  tokens: count,
  score: finite,
  preview: shortText,
});

const answerRetrieval = shape<AnswerRetrieval>({
  sources: list(answerSource, LIMITS.maxListItems),
  candidates: list(answerCandidate, LIMITS.maxListItems),
  tokens: count,
});

export const message = shape<ChatMessage>({
  id,
  conversationId: id,
  createdAt: time,
  role: oneOf(ROLES),
  content: longText,
  status: oneOf(STATUSES),
  error: optional(longText),
  engine: optional(oneOf(ENGINES)),
  model: optional(shortText),
  finishReason: optional(oneOf(FINISH_REASONS)),
  personaId: optional(id),
  template: optional(templateRef),
  request: optional(requestRecord),
  retrieval: optional(answerRetrieval),
  usage: optional(shape<TokenUsage>({ promptTokens: count, completionTokens: count })),
  timings: optional(shape<GenerationTimings>({ timeToFirstTokenMs: finite, totalMs: finite, decodeTokensPerSecond: finite })),
  cached: optional(oneOf([true] as const)),
  stopReason: optional(oneOf(STOP_REASONS)),
  format: optional(oneOf(['json'] as const)),
  redacted: optional(list(oneOf(PII_TYPES), LIMITS.maxListItems)),
});

// ── Templates and personas ──────────────────────────────────────────────────

const templateVersion = shape<TemplateVersion>({ version: positiveCount, body: promptText, createdAt: time, note: optional(shortText) });

export const template: Check<PromptTemplate> = (value, at) => {
  const checked = shape<PromptTemplate>({
    id,
    name: shortText,
    createdAt: time,
    updatedAt: time,
    versions: list(templateVersion, LIMITS.maxVersionsPerTemplate),
  })(value, at);
  if (checked.versions.length === 0) fail(fieldOf(at, 'versions'), 'must list at least one version');
  checked.versions.forEach((version, index) => {
    const previous = checked.versions[index - 1];
    if (previous && version.version <= previous.version) fail(fieldOf(at, 'versions'), `lists version ${version.version} after version ${previous.version}`);
    try {
      parseTemplate(version.body);
    } catch (error) {
      if (error instanceof TemplateSyntaxError) fail(fieldOf(fieldOf(fieldOf(at, 'versions'), index), 'body'), `is not a valid template: ${error.message}`);
      throw error;
    }
  });
  return checked;
};

const avatar: Check<Avatar> = (value, at) => {
  const record = object(value, at);
  const kind = oneOf(['emoji', 'icon', 'image'] as const)(record.kind, fieldOf(at, 'kind'));
  switch (kind) {
    case 'emoji':
      return shape<Extract<Avatar, { kind: 'emoji' }>>({ kind: () => kind, emoji: text({ min: 1, max: 64 }) })(record, at);
    case 'icon':
      return shape<Extract<Avatar, { kind: 'icon' }>>({ kind: () => kind, icon: oneOf(AVATAR_ICONS) })(record, at);
    case 'image':
      return shape<Extract<Avatar, { kind: 'image' }>>({ kind: () => kind, dataUrl: imageDataUrl })(record, at);
  }
};

/** Only small raster images, inline: a data URL of another type (SVG, HTML) or a link to elsewhere is refused. */
const imageDataUrl: Check<string> = (value, at) => {
  const url = text({ min: 1, max: 64 * 1024 })(value, at);
  if (!/^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/]+=*$/.test(url)) {
    fail(at, `must be a PNG, JPEG or WebP image as a base64 data URL (it starts ${JSON.stringify(url.slice(0, 30))})`);
  }
  return url;
};

export const persona: Check<Persona> = (value, at) => {
  const checked = shape<Persona>({
    id,
    name: shortText,
    avatar,
    hue: finite,
    systemPrompt: promptText,
    sampling: partialSampling,
    builtIn: (raw, where) => {
      if (boolean(raw, where)) fail(where, 'is true, but built-in personas come with the app and are never in a backup');
      return false;
    },
    createdAt: time,
    updatedAt: time,
  })(value, at);
  if (checked.id.startsWith('builtin:')) fail(fieldOf(at, 'id'), 'uses the prefix of the built-in personas');
  const problems = personaProblems(checked);
  if (problems.length > 0) fail(at, problems.join(' ').replace(/\.$/, ''));
  return checked;
};

// ── Settings and limits ─────────────────────────────────────────────────────

export const settings: Check<Settings> = (value, at) => {
  const record = object(value, at);
  const out: Partial<Settings> = {};
  for (const [name, setting] of Object.entries(record)) {
    if (!isSettingName(name)) fail(fieldOf(at, name), 'is not a setting Hearth knows');
    if (!isValidSetting(name, setting)) fail(fieldOf(at, name), `does not hold a valid value (it is ${found(setting)})`);
    Object.assign(out, { [name]: setting });
  }
  for (const name of ['engine', 'lastModels', 'sampling', 'personaId'] satisfies Array<keyof Settings>) {
    if (!(name in out)) fail(fieldOf(at, name), 'is missing');
  }
  return out as Settings;
};

export const limits: Check<Limits> = (value, at) => {
  const record = object(value, at);
  // normalizeLimits keeps each valid field and puts the default in place of an invalid one: any difference is a bad field.
  const normalized = normalizeLimits(record);
  for (const name of Object.keys(record)) {
    if (!Object.hasOwn(DEFAULT_LIMITS, name)) fail(fieldOf(at, name), 'is not a limit Hearth knows');
    if (normalized[name as keyof Limits] !== record[name]) fail(fieldOf(at, name), `must be a whole number of at least 1${name === 'burst' ? '' : ' or null'} (it is ${found(record[name])})`);
  }
  for (const name of Object.keys(DEFAULT_LIMITS)) if (!(name in record)) fail(fieldOf(at, name), 'is missing');
  return normalized;
};

// ── Documents ───────────────────────────────────────────────────────────────

const chunkSpan = shape<ChunkSpan>({
  start: count,
  end: count,
  headingPath: list(shortText, 64),
  context: longText,
});

const ragDocument = shape<RagDocument>({
  id,
  target: targetRef,
  name: shortText,
  kind: oneOf(DOCUMENT_KINDS),
  bytes: count,
  chars: count,
  chunkCount: count,
  addedAt: time,
  contentHash: id,
  title: nullable(shortText),
  pageStarts: optional(list(count, LIMITS.maxSpansPerDocument)),
  warnings: list(shortText, 100),
});

/** A document with its text and chunk ranges, which must agree with each other and with the target it is listed under. */
export function storedDocument(target: TargetRef, value: unknown, at: At): DocumentBackup {
  const checked = shape<DocumentBackup>({
    document: ragDocument,
    text: longText,
    spans: list(chunkSpan, LIMITS.maxSpansPerDocument),
  })(value, at);
  const { document, text: body, spans } = checked;
  if (document.target.kind !== target.kind || document.target.id !== target.id) fail(fieldOf(at, 'document.target'), `does not name the ${target.kind} it is listed under`);
  if (document.chars !== body.length) fail(fieldOf(at, 'document.chars'), `says ${document.chars} characters, but the text has ${body.length}`);
  if (document.chunkCount !== spans.length) fail(fieldOf(at, 'document.chunkCount'), `says ${document.chunkCount} chunks, but ${spans.length} are listed`);
  spans.forEach((span, index) => {
    if (span.start > span.end || span.end > body.length) fail(fieldOf(fieldOf(at, 'spans'), index), `runs from ${span.start} to ${span.end}, outside the ${body.length} characters of the text`);
  });
  document.pageStarts?.forEach((start, index, starts) => {
    if (start > body.length || (index > 0 && start < (starts[index - 1] ?? 0))) fail(fieldOf(at, 'document.pageStarts'), 'are not in order within the text');
  });
  return checked;
}

export const targetHeader = { targetRef, name: nullable(shortText), createdAt: time, updatedAt: time };
