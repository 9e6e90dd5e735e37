/**
 * Restoring checked backups: read what the browser holds of the records they name, plan (see
 * merge.ts), then write one database at a time, each in one transaction, in an order where the
 * one write that cannot be taken back comes last:
 *
 *   settings → limits (under the guard's cross-tab lock) → templates and personas →
 *   conversations → documents → traces
 *
 * Traces go last because storing them applies the trace store's retention, which may drop the
 * oldest traces; everything before them is journaled (journal.ts) and put back if a later step
 * fails, so a failed restore leaves the browser as it was.
 */
import type { ChatMessage, Conversation } from '../chat/types';
import { documentRecords, indexKey, targetRecordKey, type TargetRecord } from '../rag/repository';
import { targetKey } from '../rag/types';
import { conversationKey, messageKey, RECENT_KEY } from '../storage/chats';
import { personaKey, templateKey } from '../storage/prompts';
import { stamp, upgrade } from '../storage/schema';
import { BackupError, type BackupData, type ConversationBackup } from './format';
import { applyChanges, revert, type Change, type JournalEntry } from './journal';
import { planRestore, type Existing, type PlanOptions, type RestoreCounts, type RestorePlan } from './merge';
import type { BackupRepositories, DatabaseName } from './stores';

export type RestoreStep = 'settings' | 'limits' | 'prompts' | 'conversations' | 'documents' | 'traces';

export interface RestoreOptions extends PlanOptions {
  /** Called before each database is written. */
  onStep?: (step: RestoreStep, index: number, total: number) => void;
}

/** Reads what the browser holds of the records the backups name, for planning. */
export async function loadExisting(repos: BackupRepositories, backups: readonly BackupData[]): Promise<Existing> {
  const [headers, templates, personas, traceCount, targets] = await Promise.all([
    repos.chats.listConversations(),
    repos.prompts.templates(),
    repos.prompts.personas(),
    repos.traces.count(),
    repos.rag.targets(),
  ]);
  const named = new Set(backups.flatMap((data) => data.conversations.map((entry) => entry.conversation.id)));
  const conversations = new Map<string, ConversationBackup>();
  for (const conversation of headers) {
    if (named.has(conversation.id)) conversations.set(conversation.id, { conversation, messages: await repos.chats.loadMessages(conversation.id) });
  }
  const wanted = new Set(backups.flatMap((data) => data.documents.map((group) => targetKey(group.target))));
  const documentIds = new Map<string, ReadonlySet<string>>();
  for (const record of targets) {
    const key = targetKey(record.target);
    // Only targets a file names can be merged into: a copied conversation's documents go to a new target.
    if (wanted.has(key)) documentIds.set(key, new Set((await repos.rag.documents(record.target)).map((document) => document.id)));
  }
  return {
    empty: headers.length === 0 && templates.length === 0 && personas.length === 0 && traceCount === 0 && targets.length === 0,
    conversations,
    templates: new Map(templates.map((template) => [template.id, template])),
    personas: new Map(personas.map((persona) => [persona.id, persona])),
    targets: documentIds,
  };
}

/** Plans and writes a restore; resolves with what it did, or rejects with nothing changed. */
export async function restore(repos: BackupRepositories, backups: readonly BackupData[], options: RestoreOptions = {}): Promise<RestoreCounts> {
  const existing = await loadExisting(repos, backups);
  const plan = planRestore(existing, backups, options);
  const steps = journaledSteps(repos, plan);
  const done: Array<{ database: DatabaseName; journal: JournalEntry[] }> = [];
  const total = steps.length + 1;
  try {
    for (const [index, step] of steps.entries()) {
      options.onStep?.(step.name, index, total);
      done.push({ database: step.database, journal: await step.run() });
    }
  } catch (error) {
    await undo(repos, done, error);
    throw storageFailure(error);
  }
  options.onStep?.('traces', steps.length, total);
  try {
    const result = await repos.traces.importTraces(plan.traces);
    plan.counts.traces = { added: result.added, duplicates: result.duplicates, expired: result.expired };
  } catch (error) {
    await undo(repos, done, error);
    throw storageFailure(error);
  }
  return plan.counts;
}

interface Step {
  name: RestoreStep;
  database: DatabaseName;
  run(): Promise<JournalEntry[]>;
}

function journaledSteps(repos: BackupRepositories, plan: RestorePlan): Step[] {
  const { stores } = repos;
  const steps: Step[] = [];
  const add = (name: RestoreStep, database: DatabaseName, changes: Change[], run = () => applyChanges(stores[database], changes)): void => {
    if (changes.length > 0) steps.push({ name, database, run });
  };
  if (plan.settings) {
    add(
      'settings',
      'settings',
      Object.entries(plan.settings).map(([name, value]) => ({ key: name, put: stamp({ value }) })),
    );
  }
  if (plan.limits) {
    const changes: Change[] = [{ key: 'limits', put: stamp({ value: plan.limits }) }];
    // The guard's records change only under its lock; the other tabs re-read them when told.
    add('limits', 'guard', changes, () =>
      repos.coordination.exclusive(async () => {
        const journal = await applyChanges(stores.guard, changes);
        repos.coordination.announce();
        return journal;
      }),
    );
  }
  add('prompts', 'prompts', [
    ...plan.templates.map((template) => ({ key: templateKey(template.id), put: stamp(template) })),
    ...plan.personas.map((persona) => ({ key: personaKey(persona.id), put: stamp(persona) })),
  ]);
  const conversationChanges = plan.conversations.flatMap(({ conversation, messages, merge }) => [headerChange(conversation, merge), ...messages.map(messageChange)]);
  // The list of recent conversations is written again by the next full read of the headers.
  add('conversations', 'chats', conversationChanges.length > 0 ? [...conversationChanges, { key: RECENT_KEY, remove: true }] : []);
  add(
    'documents',
    'rag',
    plan.targets.flatMap((write): Change[] => [
      {
        key: targetRecordKey(write.target),
        // Read in the transaction: another tab's index worker may have changed the target since it was planned.
        update: (stored) => {
          const current = stored === undefined ? undefined : upgrade<TargetRecord>(stored, 'document target');
          const record: TargetRecord = {
            target: write.target,
            name: current?.name ?? write.name,
            createdAt: current?.createdAt ?? write.createdAt,
            updatedAt: Math.max(current?.updatedAt ?? 0, write.updatedAt),
            // A new revision makes every index worker that has this target loaded read it again.
            revision: (current?.revision ?? 0) + 1,
            documentCount: (current?.documentCount ?? 0) + write.documents.length,
          };
          return stamp(record);
        },
      },
      ...write.documents.flatMap(({ document, text, spans }) =>
        documentRecords(write.target, { document, text, spans }).map(([key, value]): Change => ({ key, put: value })),
      ),
      // No index is written: the index worker rebuilds it from the stored chunks on first use, as it does after an analyzer upgrade.
      { key: indexKey(write.target), remove: true },
    ]),
  );
  return steps;
}

function headerChange(conversation: Conversation, merge: boolean): Change {
  if (!merge) return { key: conversationKey(conversation.id), put: stamp(conversation) };
  return {
    key: conversationKey(conversation.id),
    // This browser's header stays (title, settings); it only moves forward in time to sort with its newest messages.
    update: (stored) => {
      if (stored === undefined) return stamp(conversation);
      const current = upgrade<Conversation>(stored, 'conversation');
      return current.updatedAt >= conversation.updatedAt ? undefined : stamp({ ...current, updatedAt: conversation.updatedAt });
    },
  };
}

const messageChange = (message: ChatMessage): Change => ({ key: messageKey(message), put: stamp(message) });

async function undo(repos: BackupRepositories, done: ReadonlyArray<{ database: DatabaseName; journal: JournalEntry[] }>, cause: unknown): Promise<void> {
  for (const { database, journal } of [...done].reverse()) {
    try {
      await revert(repos.stores[database], journal);
    } catch (error) {
      throw new BackupError(
        `Restoring failed (${describe(cause)}), and undoing what was already written failed too (${describe(error)}). Some restored records may remain; reload Hearth and check your data.`,
      );
    }
  }
}

function storageFailure(error: unknown): BackupError {
  if (error instanceof BackupError) return error;
  const quota = error instanceof DOMException && error.name === 'QuotaExceededError';
  return new BackupError(
    quota
      ? 'Nothing was restored: browser storage is full (QuotaExceededError). Free some space (delete downloaded models or old conversations) and try again; your data is as it was.'
      : `Nothing was restored: writing to browser storage failed (${describe(error)}). Your data is as it was.`,
  );
}

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
