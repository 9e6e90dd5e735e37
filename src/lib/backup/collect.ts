/**
 * Reading everything a backup holds out of the databases, as the app's own types. Each
 * database is read in one transaction per concern, so each part is a consistent snapshot.
 */
import type { BackupContents, BackupData, TargetBackup } from './format';
import type { BackupRepositories } from './stores';

export interface CollectOptions {
  /** Only these conversations, with their documents and traces; everything when absent. */
  conversationIds?: readonly string[] | undefined;
  /** Attached documents and collections (their extracted text); on by default. */
  includeDocuments?: boolean | undefined;
}

export async function collectBackup(repos: BackupRepositories, options: CollectOptions = {}): Promise<{ contents: BackupContents; data: BackupData }> {
  const only = options.conversationIds ? new Set(options.conversationIds) : null;
  const includeDocuments = options.includeDocuments ?? true;
  const all = await repos.chats.loadAll();
  const conversations = only ? all.filter((entry) => only.has(entry.conversation.id)) : all;
  const conversationIds = new Set(conversations.map((entry) => entry.conversation.id));
  const traces = (await repos.traces.all()).filter((trace) => !only || (trace.conversationId !== undefined && only.has(trace.conversationId)));
  const documents: TargetBackup[] = [];
  if (includeDocuments) {
    for (const record of await repos.rag.targets()) {
      const { target } = record;
      // A deleted conversation's documents linger until their undo window ends: they are not the user's any more.
      if (target.kind === 'conversation' ? !conversationIds.has(target.id) : only !== null) continue;
      const stored = await repos.rag.load(target);
      if (stored.documents.length === 0 && target.kind === 'conversation') continue;
      documents.push({
        target,
        name: record.name,
        createdAt: record.createdAt,
        updatedAt: record.updatedAt,
        documents: stored.documents.map(({ document, text, spans }) => ({ document, text, spans })),
      });
    }
  }
  if (only) return { contents: 'conversations', data: { conversations, templates: [], personas: [], settings: null, limits: null, traces, documents } };
  const [templates, personas, settings, guard] = await Promise.all([repos.prompts.templates(), repos.prompts.personas(), repos.settings.load(), repos.guard.load()]);
  return {
    contents: 'everything',
    data: { conversations, templates, personas: personas.filter((persona) => !persona.builtIn), settings, limits: guard.limits, traces, documents },
  };
}
